// One running call on one side: the peer connection (call-rtc.js), the stage (call-stage.js) and this side's
// recorder, wired to the realtime socket. The visitor's page and the agent's console both use it; they
// decide when a call starts and ends (call.state) and where the stage goes.
//
// A side that lost its peer connection (a reload, a new tab) sends call.control media-restart when it
// joins again; the other side then drops its peer connection too (keeping microphone and camera) and the
// agent makes a fresh offer. Recording follows the call's recordingActive flag: each side records what it
// sends, restarting the recording when its camera goes on or off (a recording keeps one set of tracks).

import { CallRecorder, CallRtc, fetchIceServers } from './call-rtc.js';
import { createCallStage } from './call-stage.js';

/** Which tracks a recording holds, to tell when the camera came or went. */
function trackIds(stream) {
  return stream.getTracks().map((track) => track.id).join(',');
}

export class CallSession {
  /**
   * socket; call: the CallInfo; role 'agent' | 'visitor'; local: MediaStream (openLocalMedia);
   * http: {headers: () => ({…}), credentials} for ICE servers and recording uploads; extra: stage buttons;
   * onHangup(): the user pressed hang up.
   */
  constructor({ socket, call, role, local, http, extra = [], onHangup }) {
    this.socket = socket;
    this.call = call;
    this.role = role;
    this.local = local;
    this.http = http;
    this.recorder = null;
    this.ended = false;
    this.offs = [];
    this.stage = createCallStage({
      peerName: role === 'agent' ? call.visitorName : call.agentName,
      onHangup,
      extra,
    });
  }

  get root() {
    return this.stage.root;
  }

  /** Connects (rejoin: this side lost its previous peer connection and says so first). */
  async start({ rejoin = false } = {}) {
    // Signaling may arrive before the peer connection exists (the other side was quicker): keep it.
    this.early = [];
    this.offs.push(this.socket.on('call.signal', (f) => {
      if (f.callId !== this.call.id) return;
      if (this.rtc) this.rtc.signal(f);
      else this.early.push(f);
    }));
    this.offs.push(this.socket.on('call.control', (f) => {
      if (f.callId === this.call.id) this.control(f.action);
    }));
    this.offs.push(this.socket.on('hello', () => {
      // A new signaling connection: bind it to this call again; the media keeps flowing meanwhile.
      this.socket.send({ type: 'call.resume', callId: this.call.id });
    }));
    this.iceServers = await fetchIceServers({ headers: this.http.headers(), credentials: this.http.credentials });
    if (this.ended) return;
    if (rejoin) this.socket.send({ type: 'call.control', callId: this.call.id, action: 'media-restart' });
    await this.connect();
    this.update(this.call);
  }

  async connect(screenTrack = null) {
    this.rtc = new CallRtc({
      socket: this.socket,
      callId: this.call.id,
      role: this.role,
      local: this.local,
      iceServers: this.iceServers,
      onRemote: (kind, stream) => this.stage.remoteStream(kind, stream),
      onState: (state) => this.stage.connection(state),
      onStats: (s) => this.stage.stats(s),
      onLocalChange: () => {
        this.stage.localChanged();
        if (this.recorder && this.recorder.tracks !== trackIds(this.rtc.recordingStream())) this.restartRecording();
      },
    });
    this.stage.attach(this.rtc);
    const early = this.early;
    this.early = [];
    for (const f of early) await this.rtc.signal(f);
    await this.rtc.begin(screenTrack);
  }

  control(action) {
    switch (action) {
      case 'video-on':
      case 'video-off':
        this.stage.remoteVideo('camera', action === 'video-on');
        break;
      case 'sharing-on':
      case 'sharing-off':
        this.stage.remoteVideo('screen', action === 'sharing-on');
        break;
      case 'media-restart': {
        const screen = this.rtc ? this.rtc.screenTrack : null;
        if (this.rtc) this.rtc.close({ keepMedia: true });
        this.stage.remoteVideo('camera', false);
        this.stage.remoteVideo('screen', false);
        this.connect(screen).catch((err) => console.warn('call media restart failed', err));
        break;
      }
      default:
        if (this.onRequest) this.onRequest(action);
    }
  }

  /** The call's state changed (recording switched, a new agent after a transfer …). */
  update(call) {
    this.call = call;
    this.stage.setRecording(call.recordingActive);
    if (call.recordingActive && !this.recorder) this.startRecording();
    if (!call.recordingActive && this.recorder) this.stopRecording();
  }

  startRecording() {
    if (!this.rtc) return;
    this.recorder = new CallRecorder({ callId: this.call.id, headers: this.http.headers, credentials: this.http.credentials });
    const stream = this.rtc.recordingStream();
    this.recorder.tracks = trackIds(stream);
    this.recorder.start(stream).catch((err) => {
      console.warn('recording could not start', err);
      this.stage.setStatus('call.recording.failed');
    });
  }

  stopRecording() {
    if (this.recorder) this.recorder.stop();
    this.recorder = null;
  }

  restartRecording() {
    this.stopRecording();
    if (this.call.recordingActive && !this.ended) this.startRecording();
  }

  /** The call is over (either side): stop everything and remove the stage. */
  end() {
    if (this.ended) return;
    this.ended = true;
    this.stopRecording();
    for (const off of this.offs) off();
    if (this.rtc) this.rtc.close();
    else for (const track of this.local.getTracks()) track.stop();
    this.stage.destroy();
  }
}
