// The console's Remote pane: the browser viewer. An agent enters a host's 9-digit ID and one-time password;
// over the console's realtime socket (remote.* frames, which the server relays unread between the two
// sides) the browser runs the same SRP-6a as the desktop viewer (srp.js), accepts the host's offer only
// with a valid MAC of its DTLS fingerprint (no fallback: a mismatch ends the session with a security
// warning), answers with its own MAC'd fingerprint, shows the verification code, the host's screen, and —
// only while the host grants `control` — forwards pointer and keys on the host's `control` data channel
// (the same JSON messages as desktop/session/ChannelMessage). Clipboard text goes both ways with `clipboard`.
//
// One session at a time; leaving the pane ends it.

import { h, setText } from './dom.js';
import { consoleSocket } from './console.js';
import { PakeError, SrpClient, fingerprintOf, identity, normalizePassword } from './srp.js';

const HOST_ID = /^[1-9][0-9]{8}$/;
const MAX_TYPED = 1000;
const MAX_CLIPBOARD = 20000;

/** java.awt.event.KeyEvent codes for the keys that are not plain text. */
const VK = {
  Enter: 10, Backspace: 8, Tab: 9, Escape: 27, Shift: 16, Control: 17, Alt: 18, Meta: 157, CapsLock: 20,
  ' ': 32, PageUp: 33, PageDown: 34, End: 35, Home: 36, ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39,
  ArrowDown: 40, Insert: 155, Delete: 127,
};
for (let i = 1; i <= 12; i++) VK[`F${i}`] = 111 + i;

let view = null; // the pane's elements while it is shown
let session = null; // the current attempt or session

/** Renders the pane into `body`. */
export function renderRemote(body) {
  const hostId = h('input', { id: 'remote-host-id', class: 'input', inputmode: 'numeric', autocomplete: 'off',
    maxlength: '11', required: true });
  const password = h('input', { id: 'remote-password', class: 'input', autocomplete: 'off', spellcheck: 'false',
    required: true });
  const connect = h('button', { type: 'submit', id: 'remote-connect', class: 'btn btn-primary', t: 'remote.connect' });
  const disconnect = h('button', { type: 'button', id: 'remote-disconnect', class: 'btn', hidden: true,
    t: 'remote.disconnect' });
  const status = h('p', { id: 'remote-status', class: 'remote-status', 'aria-live': 'polite' });
  const error = h('p', { id: 'remote-error', class: 'remote-error', role: 'alert', hidden: true });
  const code = h('strong', { id: 'remote-code', class: 'remote-code' });
  const codeRow = h('p', { class: 'remote-code-row', hidden: true }, h('span', { t: 'remote.code' }), ' ', code);
  const video = h('video', { id: 'remote-video', class: 'remote-video', tabindex: '0', hidden: true });
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  const clipOut = h('textarea', { id: 'remote-clipboard-out', class: 'input', rows: '2',
    tattrs: { 'aria-label': 'remote.clipboardOut' } });
  const clipSend = h('button', { type: 'button', id: 'remote-clipboard-send', class: 'btn btn-small',
    t: 'remote.clipboardSend' });
  const clipIn = h('textarea', { id: 'remote-clipboard-in', class: 'input', rows: '2', readonly: true,
    tattrs: { 'aria-label': 'remote.clipboardIn' } });
  const tools = h('div', { class: 'remote-tools', hidden: true },
    h('label', { t: 'remote.clipboardOut' }), clipOut, clipSend,
    h('label', { t: 'remote.clipboardIn' }), clipIn);
  const form = h('form', { id: 'remote-form', class: 'remote-form', novalidate: true },
    h('label', { for: 'remote-host-id', t: 'remote.hostId' }), hostId,
    h('label', { for: 'remote-password', t: 'remote.password' }), password,
    h('div', { class: 'remote-actions' }, connect, disconnect));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    start(hostId.value, password.value);
  });
  disconnect.addEventListener('click', () => finish('remote.status.ended'));
  clipSend.addEventListener('click', () => {
    if (session) session.sendControl({ type: 'clipboard', text: clipOut.value.slice(0, MAX_CLIPBOARD) });
  });
  body.append(
    h('header', { class: 'pane-header' }, h('h1', { class: 'pane-title', tabindex: '-1', t: 'nav.remote' })),
    h('section', { class: 'remote' }, form, error, status, codeRow, video, tools));
  view = { form, hostId, password, connect, disconnect, status, error, code, codeRow, video, clipIn, tools };
  attachInput(video);
}

/** Leaving the pane (or the console) ends the session. */
export function leaveRemote() {
  if (session) finish(null);
  view = null;
}

function showStatus(key, args) {
  if (!view) return;
  if (key) setText(view.status, key, args);
  else view.status.textContent = '';
}

function showError(code, retryAfterSeconds) {
  if (!view) return;
  const known = ['WRONG_PASSWORD', 'HOST_OFFLINE', 'HOST_BUSY', 'LOCKED_OUT', 'RATE_LIMITED', 'DECLINED',
    'SECURITY_CHECK_FAILED', 'PEER_GONE', 'INVALID_HOST_ID', 'CONNECTION_FAILED', 'NOT_CONNECTED'];
  const key = `remote.error.${known.includes(code) ? code : 'ERROR'}`;
  view.error.dataset.code = code;
  view.error.classList.toggle('remote-security', code === 'SECURITY_CHECK_FAILED');
  setText(view.error, key, { minutes: Math.max(1, Math.ceil((retryAfterSeconds || 0) / 60)) });
  view.error.hidden = false;
}

function setBusy(busy) {
  if (!view) return;
  view.connect.hidden = busy;
  view.disconnect.hidden = !busy;
  view.hostId.disabled = busy;
  view.password.disabled = busy;
}

function start(rawHostId, rawPassword) {
  if (session) return;
  view.error.hidden = true;
  delete view.error.dataset.code;
  const hostId = rawHostId.replace(/\s+/g, '');
  const password = normalizePassword(rawPassword);
  if (!HOST_ID.test(hostId) || password.length === 0) {
    showError('INVALID_HOST_ID');
    return;
  }
  const socket = consoleSocket();
  if (!socket || !socket.isOpen()) {
    showError('NOT_CONNECTED');
    return;
  }
  session = new ViewerSession(socket, hostId, password);
  setBusy(true);
  showStatus('remote.status.connecting');
  session.begin();
}

/** Ends the current session; `statusKey` what to show afterwards (null: leave the status as it is). */
function finish(statusKey, { error = null, retryAfterSeconds = null, notify = 'NORMAL' } = {}) {
  const s = session;
  session = null;
  if (s) s.close(notify);
  if (!view) return;
  setBusy(false);
  view.video.hidden = true;
  view.video.srcObject = null;
  view.codeRow.hidden = true;
  view.tools.hidden = true;
  delete view.video.dataset.control;
  delete view.video.dataset.state;
  if (error) showError(error, retryAfterSeconds);
  if (statusKey) showStatus(statusKey);
  else if (error) showStatus(null);
}

class ViewerSession {
  constructor(socket, hostId, password) {
    this.socket = socket;
    this.hostId = hostId;
    this.password = password;
    this.sessionId = null;
    this.iceServers = [];
    this.srp = null;
    this.key = null;
    this.pc = null;
    this.control = null;
    this.rights = [];
    this.width = 0;
    this.height = 0;
    this.pendingCandidates = [];
    this.queue = Promise.resolve(); // relay payloads are handled one after the other, in order
    this.unsubscribe = [
      socket.on('remote.session', (f) => this.onSession(f)),
      socket.on('remote.accepted', (f) => this.onAccepted(f)),
      socket.on('remote.relay', (f) => this.onRelay(f)),
      socket.on('remote.refused', (f) => this.onRefused(f)),
      socket.on('remote.ended', (f) => this.onEnded(f)),
      socket.on('close', () => this.fail('CONNECTION_FAILED', 'ERROR')),
    ];
  }

  begin() {
    this.socket.send({ type: 'remote.connect', hostId: this.hostId });
  }

  mine(frame) {
    return this.sessionId !== null && frame.sessionId === this.sessionId && session === this;
  }

  onSession(f) {
    if (session !== this || this.sessionId !== null || f.role !== 'viewer' || f.hostId !== this.hostId) return;
    this.sessionId = f.sessionId;
    this.iceServers = Array.isArray(f.iceServers) ? f.iceServers : [];
    showStatus('remote.status.waiting');
  }

  onAccepted(f) {
    if (!this.mine(f)) return;
    this.srp = new SrpClient(identity(this.hostId), this.password);
    showStatus('remote.status.authenticating');
  }

  onRefused(f) {
    if (session !== this || this.sessionId !== null || f.hostId !== this.hostId) return;
    finish(null, { error: f.code, retryAfterSeconds: f.retryAfterSeconds, notify: null });
  }

  onEnded(f) {
    if (!this.mine(f)) return;
    if (f.reason === 'NORMAL' && this.key) finish('remote.status.ended', { notify: null });
    else finish(null, { error: f.reason, notify: null });
  }

  onRelay(f) {
    if (!this.mine(f)) return;
    this.queue = this.queue.then(() => this.relay(f)).catch((e) => {
      if (session !== this) return;
      if (e instanceof PakeError) {
        console.warn('remote session: security check failed:', e.message);
        this.fail('SECURITY_CHECK_FAILED', 'SECURITY_CHECK_FAILED');
      } else {
        console.warn('remote session failed:', e);
        this.fail('CONNECTION_FAILED', 'ERROR');
      }
    });
  }

  fail(code, notify) {
    if (session === this) finish(null, { error: code, notify });
  }

  async relay(f) {
    let payload;
    try {
      payload = JSON.parse(f.payload);
    } catch {
      throw new PakeError('MALFORMED', 'payload is not JSON');
    }
    const kinds = { 'srp-hello': 'pake', 'srp-confirm': 'pake', description: 'sdp', candidate: 'ice' };
    if (!payload || kinds[payload.t] !== f.kind) throw new PakeError('MALFORMED', 'unexpected payload');
    switch (payload.t) {
      case 'srp-hello':
        if (!this.srp || this.srp.secret !== null) throw new PakeError('MALFORMED', 'PAKE before consent');
        this.send('pake', await this.srp.answer(payload));
        break;
      case 'srp-confirm':
        if (!this.srp) throw new PakeError('MALFORMED', 'unexpected confirmation');
        this.key = await this.srp.confirm(payload, this.sessionId);
        if (session !== this) return;
        view.code.textContent = this.key.verificationCode;
        view.codeRow.hidden = false;
        showStatus('remote.status.connectingVideo');
        break;
      case 'description':
        await this.offer(payload);
        break;
      case 'candidate':
        await this.candidate(payload);
        break;
      default:
        throw new PakeError('MALFORMED', 'unexpected payload');
    }
  }

  send(kind, payload) {
    this.socket.send({ type: 'remote.relay', sessionId: this.sessionId, kind, payload: JSON.stringify(payload) });
  }

  async offer(offer) {
    if (!this.key || offer.type !== 'offer' || this.pc) {
      throw new PakeError('SECURITY_CHECK_FAILED', 'a session description before authentication');
    }
    const fingerprint = fingerprintOf(offer.sdp);
    if (!(await this.key.verifyFingerprint('HOST', fingerprint, offer.fingerprintMac))) {
      throw new PakeError('SECURITY_CHECK_FAILED', "the host's DTLS fingerprint is not authenticated");
    }
    if (session !== this) return;
    this.width = Number(offer.width) || 0;
    this.height = Number(offer.height) || 0;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind !== 'video' || !view) return;
      view.video.srcObject = ev.streams[0] || new MediaStream([ev.track]);
      view.video.hidden = false;
      view.video.dataset.state = 'playing';
      view.video.play().catch(() => {});
      showStatus('remote.status.connected');
    });
    pc.addEventListener('icecandidate', (ev) => {
      const c = ev.candidate;
      this.send('ice', c
        ? { t: 'candidate', candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex ?? 0 }
        : { t: 'candidate', candidate: '', sdpMid: null, sdpMLineIndex: 0 });
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') this.fail('CONNECTION_FAILED', 'ERROR');
    });
    pc.addEventListener('datachannel', (ev) => {
      if (ev.channel.label !== 'control' || this.control) {
        ev.channel.close();
        return;
      }
      this.control = ev.channel;
      ev.channel.addEventListener('message', (m) => this.onControl(m.data));
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    for (const c of this.pendingCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => {});
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    const sdp = pc.localDescription.sdp;
    const mac = await this.key.macFingerprint('VIEWER', fingerprintOf(sdp));
    this.send('sdp', { t: 'description', type: 'answer', sdp, fingerprintMac: mac, width: null, height: null });
  }

  async candidate(c) {
    if (!c.candidate) return; // the end of the host's list
    const init = { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
    if (!this.pc || !this.pc.remoteDescription) this.pendingCandidates.push(init);
    else await this.pc.addIceCandidate(init).catch(() => {});
  }

  onControl(data) {
    if (typeof data !== 'string' || !view) return;
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      return;
    }
    if (m.type === 'rights' && Array.isArray(m.granted)) {
      this.rights = m.granted;
      view.video.dataset.control = m.granted.includes('control') ? 'on' : 'off';
      view.tools.hidden = !m.granted.includes('clipboard');
      setText(view.status, m.granted.includes('control') ? 'remote.status.control' : 'remote.status.viewOnly');
    } else if (m.type === 'clipboard' && typeof m.text === 'string') {
      view.clipIn.value = m.text;
    } else if (m.type === 'refused') {
      console.info('the host refused', m.what, 'without the', m.right, 'right');
    }
  }

  canControl() {
    return this.rights.includes('control') && this.width > 0 && this.height > 0;
  }

  sendControl(message) {
    const c = this.control;
    if (!c || c.readyState !== 'open') return false;
    c.send(JSON.stringify(message));
    return true;
  }

  close(notify) {
    for (const off of this.unsubscribe) off();
    if (notify && this.sessionId) {
      this.sendControl({ type: 'bye' });
      this.socket.send({ type: 'remote.end', sessionId: this.sessionId, reason: notify });
    }
    if (this.pc) this.pc.close();
    this.pc = null;
  }
}

// --- input from the video element ---

/** Where a pointer event falls on the remote screen, or null outside the picture (object-fit: contain). */
function remotePoint(video, ev) {
  const s = session;
  if (!s) return null;
  const rect = video.getBoundingClientRect();
  const scale = Math.min(rect.width / s.width, rect.height / s.height);
  const left = rect.left + (rect.width - s.width * scale) / 2;
  const top = rect.top + (rect.height - s.height * scale) / 2;
  const x = Math.floor((ev.clientX - left) / scale);
  const y = Math.floor((ev.clientY - top) / scale);
  if (x < 0 || y < 0 || x >= s.width || y >= s.height) return null;
  return { x, y };
}

function attachInput(video) {
  let lastMove = 0;
  video.addEventListener('contextmenu', (ev) => ev.preventDefault());
  video.addEventListener('pointermove', (ev) => {
    if (!session || !session.canControl() || ev.timeStamp - lastMove < 15) return;
    const p = remotePoint(video, ev);
    if (!p) return;
    lastMove = ev.timeStamp;
    session.sendControl({ type: 'pointer.move', x: p.x, y: p.y });
  });
  const button = (pressed) => (ev) => {
    if (!session || !session.canControl() || ev.button > 2) return;
    const p = remotePoint(video, ev);
    if (!p) return;
    ev.preventDefault();
    if (pressed) video.focus();
    session.sendControl({ type: 'pointer.move', x: p.x, y: p.y });
    session.sendControl({ type: 'pointer.button', x: p.x, y: p.y, button: [1, 2, 3][ev.button], pressed });
  };
  video.addEventListener('pointerdown', button(true));
  video.addEventListener('pointerup', button(false));
  video.addEventListener('wheel', (ev) => {
    if (!session || !session.canControl()) return;
    const p = remotePoint(video, ev);
    if (!p) return;
    ev.preventDefault();
    const notches = Math.max(-50, Math.min(50, Math.round(ev.deltaY / 100) || Math.sign(ev.deltaY)));
    if (notches) session.sendControl({ type: 'pointer.wheel', x: p.x, y: p.y, notches });
  }, { passive: false });
  const key = (pressed) => (ev) => {
    if (!session || !session.canControl()) return;
    const plain = ev.key.length === 1 && !ev.ctrlKey && !ev.altKey && !ev.metaKey;
    if (plain) {
      if (pressed) session.sendControl({ type: 'text', text: ev.key.slice(0, MAX_TYPED) });
    } else {
      let code = VK[ev.key];
      if (code === undefined && ev.key.length === 1) code = ev.key.toUpperCase().charCodeAt(0);
      if (!code || code > 0xffff) return;
      session.sendControl({ type: 'key', code, pressed });
    }
    ev.preventDefault();
  };
  video.addEventListener('keydown', key(true));
  video.addEventListener('keyup', key(false));
}
