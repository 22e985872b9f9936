// The visitor's side of support calls, on the chat page (and so in the widget): a Call button, then a panel
// above the conversation that shows the waiting queue (position, estimated wait, cancel), an agent's
// incoming call (accept / decline), the call itself (call-session.js) and how it ended — with an offer to
// leave a message when nobody could answer. Audio by default, the camera off until switched on.
//
// The call's state comes only from the server (call.state frames, and GET /api/calls/visitor/active after
// a reload); every new signaling connection re-binds to the call with call.resume, so a waiting call keeps
// its place and a running call its media across reconnects.

import { h, icon, setText } from './dom.js';
import { t } from './i18n.js';
import { openLocalMedia } from './call-rtc.js';
import { CallSession } from './call-session.js';

const ENDED = new Set(['REJECTED', 'MISSED', 'CANCELLED', 'ENDED']);

function newClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** "about 3 min" / "under a minute" for an estimate in seconds. */
function waitText(seconds) {
  if (!(seconds > 0)) return '';
  const minutes = Math.round(seconds / 60);
  return minutes < 1 ? t('call.wait.underMinute') : t('call.wait.minutes', { minutes });
}

/**
 * socket: the page's realtime socket; token(): the visitor token; conversationId(): the conversation on
 * screen (the call belongs to it) or null; fetchActive(): resolves to the visitor's open call state or
 * null; onLeaveMessage(conversationId): open that conversation (or a new one) to write in.
 * Returns {button, panel, destroy()}: the caller places the button and the panel.
 */
export function createVisitorCalls({ socket, token, conversationId, fetchActive, onLeaveMessage }) {
  const button = h('button', { type: 'button', id: 'call-button', class: 'btn btn-primary btn-small visitor-call-btn' },
    icon('calls'), h('span', { t: 'call.start' }));
  const panel = h('section', { id: 'call-panel', class: 'call-panel', hidden: true, tattrs: { 'aria-label': 'call.title' } });
  const http = { headers: () => ({ 'X-Visitor-Token': token() }), credentials: 'omit' };
  let call = null;
  let session = null;
  let local = null;
  let pendingClientId = null;
  const offs = [];

  function active() {
    return call && !ENDED.has(call.status);
  }

  function renderButton() {
    button.disabled = Boolean(active() || pendingClientId);
  }

  function show(...content) {
    panel.replaceChildren(...content);
    panel.hidden = content.length === 0;
  }

  function line(key, args, cls = 'call-line') {
    return h('p', { class: cls, t: key, targs: args });
  }

  function actionButton(id, key, cls, onClick) {
    const b = h('button', { type: 'button', id, class: `btn ${cls} btn-small` }, h('span', { t: key }));
    b.addEventListener('click', onClick);
    return b;
  }

  function recordingNotice(c) {
    if (c.recording === 'ALWAYS') return line('call.recording.always', null, 'call-line call-notice');
    if (c.recording === 'NOTICE') return line('call.recording.notice', null, 'call-line call-notice');
    return null;
  }

  function stopLocal() {
    if (local && !session) for (const track of local.getTracks()) track.stop();
    local = null;
  }

  async function request() {
    if (active() || pendingClientId) return;
    pendingClientId = newClientId();
    renderButton();
    show(line('call.media.asking'));
    try {
      local = await openLocalMedia(false);
    } catch {
      pendingClientId = null;
      renderButton();
      show(line('call.media.denied', null, 'call-line call-error'), closeButton());
      return;
    }
    show(h('p', { class: 'call-line', id: 'call-requesting', t: 'call.requesting' }));
    socket.send({ type: 'call.request', clientId: pendingClientId, conversationId: conversationId() || undefined, video: false });
  }

  function closeButton() {
    return actionButton('call-close', 'common.close', 'btn-secondary', () => show());
  }

  function leaveMessageButton(c) {
    return actionButton('call-leave-message', 'call.leaveMessage', 'btn-primary', () => {
      show();
      onLeaveMessage(c ? c.conversationId : null);
    });
  }

  function renderWaiting(frame) {
    const c = frame.call;
    const cancel = actionButton('call-cancel', 'call.cancel', 'btn-secondary', () => hangup());
    const camera = h('input', { type: 'checkbox', id: 'call-with-camera', props: { checked: Boolean(local && local.getVideoTracks().length) } });
    camera.addEventListener('change', () => chooseCamera(camera));
    show(
      h('p', { class: 'call-title', id: 'call-waiting', t: 'call.waiting' }),
      frame.position ? h('p', { class: 'call-line', id: 'call-position', t: 'call.position', targs: { position: frame.position } }) : null,
      frame.estimatedWaitSeconds ? h('p', { class: 'call-line muted', text: waitText(frame.estimatedWaitSeconds) }) : null,
      recordingNotice(c),
      h('label', { class: 'call-check' }, camera, h('span', { t: 'call.withCamera' })),
      h('div', { class: 'btn-row' }, cancel));
  }

  /**
   * While waiting: the camera goes on as soon as an agent answers. It is opened now (the browser may ask),
   * so the call starts without a pause when the agent answers.
   */
  async function chooseCamera(box) {
    if (!local) return;
    const current = local.getVideoTracks()[0];
    if (!box.checked && current) {
      current.stop();
      local.removeTrack(current);
    } else if (box.checked && !current) {
      try {
        const cam = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
        if (local) local.addTrack(cam.getVideoTracks()[0]);
      } catch {
        box.checked = false;
      }
    }
  }

  function renderRinging(c) {
    const accept = actionButton('call-accept', 'call.accept', 'btn-primary', () => acceptInvite());
    const decline = actionButton('call-decline', 'call.decline', 'btn-secondary', () => {
      socket.send({ type: 'call.reject', callId: c.id });
    });
    show(
      h('p', { class: 'call-title', id: 'call-ringing', t: 'call.incoming', targs: { name: c.agentName || t('chat.agent') } }),
      recordingNotice(c),
      h('div', { class: 'btn-row' }, accept, decline));
  }

  async function acceptInvite() {
    const c = call;
    try {
      local = local || await openLocalMedia(c.video);
    } catch {
      show(line('call.media.denied', null, 'call-line call-error'), closeButton());
      socket.send({ type: 'call.reject', callId: c.id });
      return;
    }
    socket.send({ type: 'call.accept', callId: c.id });
  }

  async function join({ rejoin = false } = {}) {
    const c = call;
    if (!local) {
      try {
        local = await openLocalMedia(false);
      } catch {
        show(line('call.media.denied', null, 'call-line call-error'));
        return;
      }
    }
    if (call !== c || session) return;
    session = new CallSession({ socket, call: c, role: 'visitor', local, http, onHangup: () => hangup() });
    session.onRequest = (action) => {
      if (action === 'share-request') askToShare();
    };
    show(
      h('p', { class: 'call-title', id: 'call-with', t: 'call.with', targs: { name: c.agentName || t('chat.agent') } }),
      session.root);
    session.start({ rejoin }).catch((err) => console.warn('call start failed', err));
  }

  function askToShare() {
    if (!session || panel.querySelector('#call-share-ask')) return;
    const yes = actionButton('call-share-yes', 'call.share.start', 'btn-primary', async () => {
      ask.remove();
      try {
        await session.rtc.setSharing(true);
        session.stage.localChanged();
      } catch {
        session.stage.setStatus('call.share.failed');
      }
    });
    const no = actionButton('call-share-no', 'call.share.notNow', 'btn-secondary', () => ask.remove());
    const ask = h('div', { id: 'call-share-ask', class: 'call-ask', role: 'alert' }, line('call.share.asked'), h('div', { class: 'btn-row' }, yes, no));
    panel.prepend(ask);
  }

  function hangup() {
    if (call) socket.send({ type: 'call.hangup', callId: call.id });
  }

  function renderEnded(c) {
    if (session) {
      session.end();
      session = null;
    }
    stopLocal();
    switch (c.status) {
      case 'MISSED':
        show(line('call.missed', null, 'call-title'), line('call.missed.text'), h('div', { class: 'btn-row' }, leaveMessageButton(c), closeButton()));
        break;
      case 'REJECTED':
        show(line('call.rejected', null, 'call-title'), h('div', { class: 'btn-row' }, leaveMessageButton(c), closeButton()));
        break;
      case 'ENDED': {
        const seconds = c.acceptedAt && c.endedAt ? Math.round((Date.parse(c.endedAt) - Date.parse(c.acceptedAt)) / 1000) : 0;
        show(h('p', { class: 'call-title', id: 'call-ended', t: 'call.ended', targs: { minutes: Math.floor(seconds / 60), seconds: String(seconds % 60).padStart(2, '0') } }),
          h('div', { class: 'btn-row' }, closeButton()));
        break;
      }
      default:
        show();
    }
  }

  function onState(frame) {
    const c = frame.call;
    if (call && call.id !== c.id && active()) return; // an older call's late news
    call = c;
    pendingClientId = null;
    renderButton();
    switch (c.status) {
      case 'PENDING':
        renderWaiting(frame);
        break;
      case 'RINGING':
        renderRinging(c);
        break;
      case 'ACCEPTED':
        if (session) {
          session.update(c);
          setText(panel.querySelector('#call-with'), 'call.with', { name: c.agentName || t('chat.agent') });
        } else {
          join();
        }
        break;
      default:
        renderEnded(c);
    }
  }

  function onError(frame) {
    if (!pendingClientId || frame.ref !== pendingClientId) return;
    pendingClientId = null;
    stopLocal();
    renderButton();
    const key = frame.code === 'DAILY_LIMIT_REACHED' ? 'call.error.limit'
      : frame.code === 'RATE_LIMITED' ? 'call.error.rate'
        : 'call.error.generic';
    show(line(key, { code: frame.code }, 'call-line call-error'), h('div', { class: 'btn-row' }, leaveMessageButton(null), closeButton()));
  }

  /** After a reload: pick the open call up again (a running one needs a click to get the microphone). */
  async function restore() {
    let frame = null;
    try {
      frame = await fetchActive();
    } catch {
      return;
    }
    if (!frame || !frame.call || call) return;
    call = frame.call;
    renderButton();
    socket.send({ type: 'call.resume', callId: call.id });
    if (call.status === 'ACCEPTED') {
      const rejoin = actionButton('call-rejoin', 'call.rejoin', 'btn-primary', () => join({ rejoin: true }));
      show(line('call.rejoin.text', null, 'call-title'), h('div', { class: 'btn-row' }, rejoin, actionButton('call-rejoin-hangup', 'call.hangup', 'btn-danger', () => hangup())));
    } else {
      onState(frame);
    }
  }

  button.addEventListener('click', () => request());
  offs.push(socket.on('call.state', onState));
  offs.push(socket.on('error', onError));
  offs.push(socket.on('hello', () => {
    if (active() && !session) socket.send({ type: 'call.resume', callId: call.id });
  }));
  restore();

  return {
    button,
    panel,
    destroy() {
      for (const off of offs) off();
      if (session) session.end();
      session = null;
      stopLocal();
    },
  };
}
