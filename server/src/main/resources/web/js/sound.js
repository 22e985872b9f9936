// Short alert sounds made with WebAudio (no audio files) for the console: a new chat message, a ringing
// call. Browsers let audio start only after a user gesture, so the context is made on the first click or
// key (unlockSound). One mute switch (kept in localStorage) silences them all.

const MUTE_KEY = 'romotica.chat.mute';

let ctx = null;

export function soundMuted() {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function setSoundMuted(on) {
  try {
    if (on) localStorage.setItem(MUTE_KEY, '1');
    else localStorage.removeItem(MUTE_KEY);
  } catch {
    // not kept across reloads then
  }
}

/** Makes the audio context (call it from a user gesture); harmless when it exists. */
export function unlockSound() {
  if (ctx) return;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try {
    ctx = new Ctx();
  } catch {
    ctx = null;
  }
}

/** Plays sine tones [{freq, at, length, gain}] (seconds from now), unless muted or not unlocked yet. */
export function playTones(tones) {
  if (!ctx || soundMuted()) return;
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  const now = ctx.currentTime;
  for (const { freq, at, length, gain } of tones) {
    const osc = ctx.createOscillator();
    const amp = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    amp.gain.setValueAtTime(0.0001, now + at);
    amp.gain.exponentialRampToValueAtTime(gain, now + at + 0.02);
    amp.gain.exponentialRampToValueAtTime(0.0001, now + at + length);
    osc.connect(amp);
    amp.connect(ctx.destination);
    osc.start(now + at);
    osc.stop(now + at + length + 0.02);
  }
}
