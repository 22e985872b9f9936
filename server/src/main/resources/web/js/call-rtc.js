// WebRTC for support calls, shared by the visitor's page and the agent's console (no DOM here).
//
// Signaling travels on the one realtime socket as call.signal frames, which the server relays only to the
// other party of the call. The agent always makes the offers (the first one and ICE restarts), the visitor
// answers, so offers never collide. The agent's offer carries three transceivers in a fixed order —
// audio, camera, screen — in both directions; switching the camera or screen sharing on or off later only
// replaces the track on its sender (no renegotiation), and call.control video-on/off, sharing-on/off tell
// the other side what to show.
//
// ICE servers come from GET /api/ice-servers (STUN and TURN with short-lived credentials);
// localStorage['romotica.iceRelay'] = '1' keeps a browser on the relay only (its own addresses stay
// private; support also uses it to test TURN). The agent
// restarts ICE when the connection fails, stays disconnected for a few seconds, or the browser comes back
// online; the call survives a signaling reconnect (call.resume after every 'hello'). libwebrtc adapts the
// bitrate by itself; setQuality caps the video senders. Stats (RTT, loss, bitrate, direct or relayed path,
// the other side's sound level) are read every two seconds.
//
// CallRecorder records one side's outgoing media with MediaRecorder and uploads a chunk about every second
// at an explicit offset (PUT /api/calls/{id}/recordings/{rid}?offset=N), retrying a failed chunk, so the
// server holds everything but the last second or two if anything crashes.

const STATS_MS = 2000;
const DISCONNECTED_RESTART_MS = 3000;
const CHUNK_MS = 1000;
const UPLOAD_ATTEMPTS = 6;
/** localStorage switch: '1' sends media only through the TURN relay (hides this side's addresses). */
const RELAY_ONLY_KEY = 'romotica.iceRelay';

function relayOnly() {
  try {
    return localStorage.getItem(RELAY_ONLY_KEY) === '1';
  } catch {
    return false;
  }
}

/** Video caps in kbit/s per quality setting (auto: libwebrtc decides alone). */
export const QUALITIES = {
  auto: null,
  high: { camera: 1500, screen: 3000 },
  medium: { camera: 600, screen: 1500 },
  low: { camera: 200, screen: 500 },
};

/** The ICE servers for this party, or [] (host candidates only) when the server offers none. */
export async function fetchIceServers({ headers = {}, credentials = 'same-origin' } = {}) {
  try {
    const res = await fetch('/api/ice-servers', { headers: { Accept: 'application/json', ...headers }, credentials, cache: 'no-store' });
    if (!res.ok) return [];
    const body = await res.json();
    return Array.isArray(body.iceServers) ? body.iceServers : [];
  } catch {
    return [];
  }
}

/** Microphone (and camera when asked) with echo cancellation; the camera is dropped if it cannot start. */
export async function openLocalMedia(video) {
  const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (video) {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    } catch {
      // no camera or not allowed: the call goes on with sound only
    }
  }
  return navigator.mediaDevices.getUserMedia({ audio, video: false });
}

export class CallRtc {
  /**
   * socket: the realtime socket; callId; role 'agent' | 'visitor'; local: the MediaStream from
   * openLocalMedia; iceServers; listeners: onRemote(kind 'audio'|'camera'|'screen', stream|null),
   * onState('connecting'|'connected'|'reconnecting'|'failed'|'closed'), onStats({rttMs, lossPct,
   * sendKbps, recvKbps, path}), onLocalChange() (camera or screen track changed).
   */
  constructor({ socket, callId, role, local, iceServers, onRemote, onState, onStats, onLocalChange }) {
    this.socket = socket;
    this.callId = callId;
    this.role = role;
    this.local = local;
    this.listeners = { onRemote, onState, onStats, onLocalChange };
    this.pendingCandidates = [];
    this.restartWanted = false;
    this.quality = 'auto';
    this.screenTrack = null;
    this.closed = false;
    this.lastStats = null;
    this.pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: relayOnly() ? 'relay' : 'all' });
    this.pc.addEventListener('icecandidate', (ev) => this.sendCandidate(ev.candidate));
    this.pc.addEventListener('track', (ev) => this.remoteTrack(ev));
    this.pc.addEventListener('iceconnectionstatechange', () => this.iceStateChanged());
    this.onOnline = () => this.restartIce();
    window.addEventListener('online', this.onOnline);
    this.statsTimer = setInterval(() => this.readStats(), STATS_MS);
    this.emitState('connecting');
  }

  get micTrack() {
    return this.local.getAudioTracks()[0] || null;
  }

  get cameraTrack() {
    return this.local.getVideoTracks()[0] || null;
  }

  /** The agent's first offer; the visitor waits for it. screenTrack: a screen share carried over. */
  async begin(screenTrack = null) {
    this.screenTrack = screenTrack;
    if (this.role !== 'agent') return;
    this.pc.addTransceiver(this.micTrack || 'audio', { direction: 'sendrecv' });
    this.pc.addTransceiver(this.cameraTrack || 'video', { direction: 'sendrecv' });
    this.pc.addTransceiver(this.screenTrack || 'video', { direction: 'sendrecv' });
    await this.offer(false);
  }

  /** Tells the other side what this side sends (after connecting, and after a media restart). */
  announce() {
    this.control(this.cameraTrack ? 'video-on' : 'video-off');
    this.control(this.screenTrack ? 'sharing-on' : 'sharing-off');
  }

  async offer(iceRestart) {
    if (this.closed) return;
    if (this.pc.signalingState !== 'stable') {
      this.restartWanted = this.restartWanted || iceRestart;
      return;
    }
    const offer = await this.pc.createOffer({ iceRestart });
    await this.pc.setLocalDescription(offer);
    this.send({ kind: 'offer', sdp: this.pc.localDescription.sdp });
  }

  /** A call.signal frame from the other party. */
  async signal(frame) {
    if (this.closed) return;
    try {
      if (frame.kind === 'offer' && this.role === 'visitor') {
        const first = this.pc.getTransceivers().length === 0;
        await this.pc.setRemoteDescription({ type: 'offer', sdp: frame.sdp });
        if (first) await this.attachToOffer();
        await this.flushCandidates();
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.send({ kind: 'answer', sdp: this.pc.localDescription.sdp });
        this.applyQuality();
      } else if (frame.kind === 'answer' && this.role === 'agent') {
        await this.pc.setRemoteDescription({ type: 'answer', sdp: frame.sdp });
        await this.flushCandidates();
        this.applyQuality();
        if (this.restartWanted) {
          this.restartWanted = false;
          await this.offer(true);
        }
      } else if (frame.kind === 'candidate' && frame.candidate) {
        const candidate = { candidate: frame.candidate, sdpMid: frame.sdpMid, sdpMLineIndex: frame.sdpMLineIndex };
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(candidate);
        else this.pendingCandidates.push(candidate);
      }
    } catch (err) {
      console.warn('call signaling step failed', frame.kind, err);
    }
  }

  /** The visitor's side of the agent's three transceivers: send on each what we have. */
  async attachToOffer() {
    const [audio, camera, screen] = this.pc.getTransceivers();
    const pairs = [[audio, this.micTrack], [camera, this.cameraTrack], [screen, this.screenTrack]];
    for (const [t, track] of pairs) {
      if (!t) continue;
      t.direction = 'sendrecv';
      await t.sender.replaceTrack(track);
    }
  }

  async flushCandidates() {
    const list = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const c of list) {
      try {
        await this.pc.addIceCandidate(c);
      } catch (err) {
        console.warn('ICE candidate refused', err);
      }
    }
  }

  send(fields) {
    this.socket.send({ type: 'call.signal', callId: this.callId, ...fields });
  }

  sendCandidate(c) {
    if (!c || !c.candidate) return;
    this.send({ kind: 'candidate', candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
  }

  remoteTrack(ev) {
    const index = this.pc.getTransceivers().indexOf(ev.transceiver);
    const kind = index === 0 ? 'audio' : index === 1 ? 'camera' : 'screen';
    const stream = new MediaStream([ev.track]);
    if (this.listeners.onRemote) this.listeners.onRemote(kind, stream);
  }

  iceStateChanged() {
    const s = this.pc.iceConnectionState;
    clearTimeout(this.disconnectTimer);
    if (s === 'connected' || s === 'completed') {
      if (this.state !== 'connected') this.announce();
      this.emitState('connected');
    }
    else if (s === 'disconnected') {
      this.emitState('reconnecting');
      this.disconnectTimer = setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.restartIce();
      }, DISCONNECTED_RESTART_MS);
    } else if (s === 'failed') {
      this.emitState('reconnecting');
      this.restartIce();
    }
  }

  /** A new ICE round (the agent's job; the visitor answers the restart offer). */
  restartIce() {
    if (this.closed || this.role !== 'agent') return;
    this.offer(true).catch((err) => console.warn('ICE restart failed', err));
  }

  emitState(state) {
    this.state = state;
    if (this.listeners.onState) this.listeners.onState(state);
  }

  setMic(on) {
    if (this.micTrack) this.micTrack.enabled = on;
  }

  micOn() {
    return Boolean(this.micTrack && this.micTrack.enabled);
  }

  /** Switches the camera on (asking for it the first time) or off; tells the other side. */
  async setCamera(on) {
    let track = this.cameraTrack;
    if (on && !track) {
      const cam = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      track = cam.getVideoTracks()[0];
      this.local.addTrack(track);
    }
    if (!on && track) {
      track.stop();
      this.local.removeTrack(track);
      track = null;
    }
    await this.senderAt(1, track);
    this.control(on ? 'video-on' : 'video-off');
    this.applyQuality();
    if (this.listeners.onLocalChange) this.listeners.onLocalChange();
  }

  /** Shares a screen, window or tab (the browser asks which), or stops sharing. */
  async setSharing(on) {
    if (on && !this.screenTrack) {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      this.screenTrack = display.getVideoTracks()[0];
      this.screenTrack.addEventListener('ended', () => this.setSharing(false));
      if ('contentHint' in this.screenTrack) this.screenTrack.contentHint = 'detail';
    } else if (!on && this.screenTrack) {
      this.screenTrack.stop();
      this.screenTrack = null;
    } else {
      return;
    }
    await this.senderAt(2, this.screenTrack);
    this.control(on ? 'sharing-on' : 'sharing-off');
    this.applyQuality();
    if (this.listeners.onLocalChange) this.listeners.onLocalChange();
  }

  async senderAt(index, track) {
    const t = this.pc.getTransceivers()[index];
    if (t) await t.sender.replaceTrack(track);
  }

  control(action) {
    this.socket.send({ type: 'call.control', callId: this.callId, action });
  }

  setQuality(level) {
    this.quality = level in QUALITIES ? level : 'auto';
    this.applyQuality();
  }

  applyQuality() {
    const caps = QUALITIES[this.quality];
    this.pc.getTransceivers().forEach((t, i) => {
      if (i === 0 || !t.sender || !t.sender.track) return;
      const params = t.sender.getParameters();
      if (!params.encodings || params.encodings.length === 0) return;
      for (const e of params.encodings) {
        if (caps) e.maxBitrate = (i === 1 ? caps.camera : caps.screen) * 1000;
        else delete e.maxBitrate;
      }
      t.sender.setParameters(params).catch(() => {});
    });
  }

  async readStats() {
    if (this.closed || !this.listeners.onStats) return;
    let report;
    try {
      report = await this.pc.getStats();
    } catch {
      return;
    }
    let pair = null;
    let sent = 0;
    let received = 0;
    let lost = 0;
    let packets = 0;
    let energy = 0;
    let samples = 0;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId) || pair;
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && !pair) pair = s;
      if (s.type === 'outbound-rtp') sent += s.bytesSent || 0;
      if (s.type === 'inbound-rtp') {
        if (s.kind === 'audio') {
          energy += s.totalAudioEnergy || 0;
          samples += s.totalSamplesDuration || 0;
        }
        received += s.bytesReceived || 0;
        lost += Math.max(0, s.packetsLost || 0);
        packets += s.packetsReceived || 0;
      }
    });
    const now = performance.now();
    const prev = this.lastStats;
    this.lastStats = { now, sent, received, lost, packets, energy, samples };
    if (!prev) return;
    // The other side's sound over the last interval: root mean square level (0–1) from the audio energy.
    const heard = samples - prev.samples;
    const level = heard > 0 ? Math.sqrt(Math.max(0, energy - prev.energy) / heard) : null;
    const seconds = (now - prev.now) / 1000;
    const newPackets = packets - prev.packets + (lost - prev.lost);
    const local = pair && report.get(pair.localCandidateId);
    const remote = pair && report.get(pair.remoteCandidateId);
    const relayed = (local && local.candidateType === 'relay') || (remote && remote.candidateType === 'relay');
    this.listeners.onStats({
      rttMs: pair && typeof pair.currentRoundTripTime === 'number' ? Math.round(pair.currentRoundTripTime * 1000) : null,
      lossPct: newPackets > 0 ? Math.round(((lost - prev.lost) / newPackets) * 1000) / 10 : 0,
      sendKbps: Math.round(((sent - prev.sent) * 8) / 1000 / seconds),
      recvKbps: Math.round(((received - prev.received) * 8) / 1000 / seconds),
      path: pair ? (relayed ? 'relay' : 'direct') : null,
      receivedBytes: received,
      remoteAudioLevel: level,
    });
  }

  /** What this side's recording holds: the microphone, and the camera while it is on. */
  recordingStream() {
    return new MediaStream([this.micTrack, this.cameraTrack].filter(Boolean));
  }

  /** Ends the peer connection; keepMedia leaves microphone and camera running for a fresh one. */
  close({ keepMedia = false } = {}) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    clearTimeout(this.disconnectTimer);
    window.removeEventListener('online', this.onOnline);
    if (!keepMedia) {
      for (const track of this.local.getTracks()) track.stop();
      if (this.screenTrack) this.screenTrack.stop();
    }
    try {
      this.pc.close();
    } catch {
      // already closed
    }
    this.emitState('closed');
  }
}

/**
 * Records a MediaStream and uploads it while it runs. headers(): auth headers for each request (visitor
 * token, or the agent's CSRF token); credentials: fetch's credentials mode.
 */
export class CallRecorder {
  constructor({ callId, headers, credentials }) {
    this.callId = callId;
    this.headers = headers;
    this.credentials = credentials;
    this.chain = Promise.resolve();
    this.offset = 0;
    this.recorder = null;
    this.id = null;
  }

  async start(stream) {
    const video = stream.getVideoTracks().length > 0;
    const candidates = video ? ['video/webm;codecs=vp8,opus', 'video/webm'] : ['audio/webm;codecs=opus', 'audio/webm'];
    const mimeType = candidates.find((m) => window.MediaRecorder && MediaRecorder.isTypeSupported(m));
    if (!mimeType) throw new Error('this browser cannot record WebM');
    const res = await this.request('POST', `/api/calls/${encodeURIComponent(this.callId)}/recordings`, {
      body: JSON.stringify({ contentType: mimeType }),
      headers: { 'Content-Type': 'application/json' },
    });
    this.id = (await res.json()).id;
    this.recorder = new MediaRecorder(stream, { mimeType });
    this.recorder.addEventListener('dataavailable', (ev) => {
      if (ev.data && ev.data.size > 0) this.chain = this.chain.then(() => this.upload(ev.data));
    });
    this.recorder.start(CHUNK_MS);
  }

  async request(method, path, { body, headers = {} } = {}) {
    const res = await fetch(path, {
      method,
      body,
      credentials: this.credentials,
      headers: { Accept: 'application/json', ...this.headers(), ...headers },
    });
    if (!res.ok) {
      const err = new Error(`HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return res;
  }

  async upload(blob) {
    const bytes = await blob.arrayBuffer();
    const path = `/api/calls/${encodeURIComponent(this.callId)}/recordings/${encodeURIComponent(this.id)}`;
    for (let attempt = 0; attempt < UPLOAD_ATTEMPTS; attempt++) {
      try {
        const res = await this.request('PUT', `${path}?offset=${this.offset}`, {
          body: bytes,
          headers: { 'Content-Type': 'application/octet-stream' },
        });
        this.offset = (await res.json()).size;
        return;
      } catch (err) {
        if (err.status === 409 || err.status === 404 || err.status === 413) return; // finished or gone
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }

  /** Stops recording; the last chunk is still uploaded. */
  stop() {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.recorder = null;
  }
}
