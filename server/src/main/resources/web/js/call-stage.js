// The in-call view both sides share: the other party's camera and screen, one's own preview, the status
// line (connecting, recording notice), the quality line (RTT, loss, bitrate, direct or relayed path) and
// the controls — microphone, camera, speaker, intercom (push to talk: the speaker is muted while one
// talks), screen sharing, fullscreen, quality cap, hang up. Feature-specific buttons (the agent's record,
// screen request, transfer) go in `extra`. All text through i18n keys; nothing from the network is HTML.

import { h, icon, setText } from './dom.js';
import { t } from './i18n.js';
import { QUALITIES } from './call-rtc.js';

/** Remote sound level (0–1, getStats audioLevel) above which the other side counts as speaking. */
const SPEAKING_LEVEL = 0.02;

/** A toggle button with an icon and a translated label; aria-pressed tells its state. */
function toggle(id, iconName, key) {
  return h('button', { type: 'button', id, class: 'btn btn-secondary btn-small call-toggle', 'aria-pressed': 'false' },
    icon(iconName), h('span', { t: key }));
}

function pressed(btn, on) {
  btn.setAttribute('aria-pressed', String(Boolean(on)));
}

/**
 * Builds the stage. peerName: shown while the other side sends no video. onHangup(): the user ends the
 * call. extra: elements for the controls row. Returns {root, attach(rtc), setStatus(key, args),
 * setRecording(on), remoteVideo(kind, on), destroy()}.
 */
export function createCallStage({ peerName, onHangup, extra = [] }) {
  const remoteCamera = h('video', { id: 'call-remote-camera', class: 'call-video call-remote-camera', autoplay: true, playsinline: true, hidden: true });
  const remoteScreen = h('video', { id: 'call-remote-screen', class: 'call-video call-remote-screen', autoplay: true, playsinline: true, hidden: true });
  remoteCamera.muted = true;
  remoteScreen.muted = true;
  const remoteAudio = h('audio', { id: 'call-remote-audio', autoplay: true });
  const local = h('video', { id: 'call-local', class: 'call-local', autoplay: true, playsinline: true, hidden: true });
  local.muted = true;
  const avatar = h('div', { class: 'call-avatar' }, icon('account', 'call-avatar-icon'), h('span', { class: 'call-avatar-name', text: peerName || '' }));
  const videos = h('div', { class: 'call-videos' }, remoteScreen, remoteCamera, avatar, local);

  const status = h('p', { id: 'call-status', class: 'call-status', role: 'status', 'aria-live': 'polite' });
  const recording = h('p', { id: 'call-recording', class: 'call-recording', role: 'status', hidden: true },
    h('span', { class: 'call-rec-dot', 'aria-hidden': 'true' }), h('span', { t: 'call.recording.on' }));
  const quality = h('p', { id: 'call-quality', class: 'call-quality muted', hidden: true });

  const mic = toggle('call-mic', 'mic', 'call.mic.mute');
  const camera = toggle('call-camera', 'camera', 'call.camera.on');
  const speaker = toggle('call-speaker', 'volumeOff', 'call.speaker.mute');
  const intercom = toggle('call-intercom', 'mic', 'call.intercom');
  const talk = h('button', { type: 'button', id: 'call-talk', class: 'btn btn-primary btn-small', hidden: true }, h('span', { t: 'call.talk' }));
  const share = toggle('call-share', 'remote', 'call.share.start');
  const full = h('button', { type: 'button', id: 'call-fullscreen', class: 'btn btn-secondary btn-small' }, h('span', { t: 'call.fullscreen' }));
  const qualitySelect = h('select', { id: 'call-quality-select', class: 'call-quality-select', tattrs: { 'aria-label': 'call.quality' } },
    Object.keys(QUALITIES).map((q) => h('option', { value: q, t: `call.quality.${q}` })));
  const hangup = h('button', { type: 'button', id: 'call-hangup', class: 'btn btn-danger btn-small' }, h('span', { t: 'call.hangup' }));
  hangup.addEventListener('click', () => onHangup());

  const controls = h('div', { class: 'call-controls', role: 'group', tattrs: { 'aria-label': 'call.controls' } },
    mic, camera, speaker, intercom, talk, share, full, qualitySelect, ...extra, hangup);
  const root = h('section', { id: 'call-stage', class: 'call-stage', tattrs: { 'aria-label': 'call.title' } },
    videos, status, recording, quality, remoteAudio, controls);

  let rtc = null;
  let intercomOn = false;
  let speakerMuted = false;
  const shown = { camera: false, screen: false };

  function renderVideos() {
    remoteCamera.hidden = !shown.camera;
    remoteScreen.hidden = !shown.screen;
    avatar.hidden = shown.camera || shown.screen;
    const cam = rtc && rtc.cameraTrack;
    local.hidden = !cam;
    if (cam && (!local.srcObject || local.srcObject.getVideoTracks()[0] !== cam)) local.srcObject = new MediaStream([cam]);
    if (!cam) local.srcObject = null;
  }

  function renderButtons() {
    if (!rtc) return;
    const micOn = rtc.micOn();
    pressed(mic, !micOn);
    setText(mic.lastElementChild, micOn ? 'call.mic.mute' : 'call.mic.unmute');
    pressed(camera, Boolean(rtc.cameraTrack));
    setText(camera.lastElementChild, rtc.cameraTrack ? 'call.camera.off' : 'call.camera.on');
    pressed(share, Boolean(rtc.screenTrack));
    setText(share.lastElementChild, rtc.screenTrack ? 'call.share.stop' : 'call.share.start');
    pressed(speaker, speakerMuted);
    setText(speaker.lastElementChild, speakerMuted ? 'call.speaker.unmute' : 'call.speaker.mute');
    pressed(intercom, intercomOn);
    talk.hidden = !intercomOn;
    mic.disabled = intercomOn;
  }

  function applySpeaker() {
    remoteAudio.muted = speakerMuted;
  }

  mic.addEventListener('click', () => {
    if (!rtc) return;
    rtc.setMic(!rtc.micOn());
    renderButtons();
  });
  camera.addEventListener('click', async () => {
    if (!rtc) return;
    camera.disabled = true;
    try {
      await rtc.setCamera(!rtc.cameraTrack);
    } catch {
      setStatus('call.camera.failed');
    } finally {
      camera.disabled = false;
      renderVideos();
      renderButtons();
    }
  });
  speaker.addEventListener('click', () => {
    speakerMuted = !speakerMuted;
    applySpeaker();
    renderButtons();
  });
  // Intercom: the microphone is open only while "Talk" is held, and the speaker is muted meanwhile, so
  // the caller's own voice never comes back through an open loudspeaker.
  intercom.addEventListener('click', () => {
    if (!rtc) return;
    intercomOn = !intercomOn;
    rtc.setMic(!intercomOn);
    renderButtons();
  });
  const talkStart = (ev) => {
    ev.preventDefault();
    if (!rtc || !intercomOn) return;
    rtc.setMic(true);
    remoteAudio.muted = true;
    talk.classList.add('is-talking');
  };
  const talkEnd = () => {
    if (!rtc || !intercomOn) return;
    rtc.setMic(false);
    applySpeaker();
    talk.classList.remove('is-talking');
  };
  talk.addEventListener('pointerdown', talkStart);
  talk.addEventListener('pointerup', talkEnd);
  talk.addEventListener('pointerleave', talkEnd);
  talk.addEventListener('keydown', (ev) => { if (ev.key === ' ' || ev.key === 'Enter') talkStart(ev); });
  talk.addEventListener('keyup', talkEnd);
  share.addEventListener('click', async () => {
    if (!rtc) return;
    share.disabled = true;
    try {
      await rtc.setSharing(!rtc.screenTrack);
    } catch {
      setStatus('call.share.failed');
    } finally {
      share.disabled = false;
      renderButtons();
    }
  });
  full.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else videos.requestFullscreen().catch(() => setStatus('call.fullscreen.failed'));
  });
  qualitySelect.addEventListener('change', () => {
    if (rtc) rtc.setQuality(qualitySelect.value);
  });

  function setStatus(key, args) {
    setText(status, key, args);
  }

  return {
    root,
    /** Binds the stage to a running CallRtc (its listeners are routed here by the caller). */
    attach(r) {
      rtc = r;
      renderVideos();
      renderButtons();
    },
    /** The other side's stream of `kind` arrived ('audio' | 'camera' | 'screen'). */
    remoteStream(kind, stream) {
      if (kind === 'audio') {
        remoteAudio.srcObject = stream;
        applySpeaker();
        remoteAudio.play().catch(() => {});
      } else {
        const el = kind === 'camera' ? remoteCamera : remoteScreen;
        el.srcObject = stream;
        el.play().catch(() => {});
      }
    },
    /** Whether the other side currently sends camera or screen video (from call.control). */
    remoteVideo(kind, on) {
      shown[kind] = on;
      renderVideos();
    },
    connection(state) {
      root.dataset.connection = state;
      setStatus(`call.connection.${state}`);
    },
    stats(s) {
      quality.hidden = false;
      const parts = [];
      if (s.rttMs !== null) parts.push(t('call.stats.rtt', { ms: s.rttMs }));
      parts.push(t('call.stats.loss', { pct: s.lossPct }));
      parts.push(t('call.stats.rate', { up: s.sendKbps, down: s.recvKbps }));
      if (s.path) parts.push(t(`call.stats.path.${s.path}`));
      quality.textContent = parts.join(' · ');
      quality.dataset.path = s.path || '';
      quality.dataset.receivedBytes = String(s.receivedBytes);
      // The other side speaking (their microphone open and not silent) lights the avatar up.
      const level = s.remoteAudioLevel === null ? 0 : s.remoteAudioLevel;
      quality.dataset.remoteAudioLevel = String(level);
      avatar.classList.toggle('is-speaking', level > SPEAKING_LEVEL);
    },
    localChanged() {
      renderVideos();
      renderButtons();
    },
    setStatus,
    setRecording(on) {
      recording.hidden = !on;
    },
    destroy() {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      for (const el of [remoteCamera, remoteScreen, remoteAudio, local]) el.srcObject = null;
      root.remove();
    },
  };
}
