// Voice notes: the microphone through getUserMedia and MediaRecorder, Opus in WebM where the browser
// offers it (Chromium, Firefox), else Opus in Ogg or AAC in MP4 (Safari), else whatever it records.
// No DOM here: the thread view shows the elapsed time and the cancel/send buttons.

/** Containers tried in this order; the server keeps WebM, Ogg and MP4 audio. */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4;codecs=mp4a.40.2', 'audio/mp4'];
/** Chunks are collected this often, so a stop loses at most this much of the end. */
const TIMESLICE_MS = 250;
/** A voice note stops by itself after this long. */
export const MAX_VOICE_MS = 5 * 60 * 1000;

export function recorderSupported() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
}

function pickType() {
  if (typeof MediaRecorder.isTypeSupported !== 'function') return '';
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || '';
}

/** The file extension that fits a recorded type (the server checks the bytes anyway). */
function extensionOf(type) {
  if (type.startsWith('audio/ogg')) return 'ogg';
  if (type.startsWith('audio/mp4')) return 'm4a';
  return 'webm';
}

/** A failure as a stable code: MIC_DENIED, MIC_MISSING, MIC_FAILED or MIC_UNSUPPORTED. */
function codeOf(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'MIC_DENIED';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'MIC_MISSING';
  return 'MIC_FAILED';
}

export class RecorderError extends Error {
  constructor(code) {
    super(code);
    this.name = 'RecorderError';
    this.code = code;
  }
}

/**
 * Asks for the microphone and starts recording. Resolves to {startedAt, stop(), cancel()}: stop() resolves
 * to {blob, name} (rejects with RecorderError when nothing was recorded), cancel() throws it all away.
 * `onEnd` is called when the recording ends by itself (time limit, microphone gone).
 */
export async function startRecording({ onEnd = () => {} } = {}) {
  if (!recorderSupported()) throw new RecorderError('MIC_UNSUPPORTED');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (err) {
    throw new RecorderError(codeOf(err));
  }
  const type = pickType();
  let recorder;
  try {
    recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
  } catch (err) {
    stream.getTracks().forEach((tr) => tr.stop());
    throw new RecorderError('MIC_FAILED');
  }
  const chunks = [];
  let done = false;
  let stopped = null; // promise of the result once stop() was called
  const release = () => stream.getTracks().forEach((tr) => tr.stop());
  recorder.addEventListener('dataavailable', (ev) => {
    if (ev.data && ev.data.size > 0) chunks.push(ev.data);
  });
  const limit = setTimeout(() => {
    if (!done) onEnd('limit');
  }, MAX_VOICE_MS);
  for (const track of stream.getAudioTracks()) {
    track.addEventListener('ended', () => {
      if (!done) onEnd('ended');
    });
  }
  recorder.start(TIMESLICE_MS);
  const startedAt = Date.now();

  function finish() {
    done = true;
    clearTimeout(limit);
  }

  return {
    startedAt,
    stop() {
      if (stopped) return stopped;
      finish();
      stopped = new Promise((resolve, reject) => {
        recorder.addEventListener('stop', () => {
          release();
          const blobType = (recorder.mimeType || type || 'audio/webm').split(';')[0];
          const blob = new Blob(chunks, { type: recorder.mimeType || type || 'audio/webm' });
          if (blob.size === 0) {
            reject(new RecorderError('MIC_FAILED'));
            return;
          }
          const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
          resolve({ blob, name: `voice-${stamp}.${extensionOf(blobType)}` });
        }, { once: true });
        if (recorder.state === 'inactive') recorder.dispatchEvent(new Event('stop'));
        else recorder.stop();
      });
      return stopped;
    },
    cancel() {
      if (done) return;
      finish();
      try {
        if (recorder.state !== 'inactive') recorder.stop();
      } catch {
        // stopping anyway
      }
      release();
    },
  };
}
