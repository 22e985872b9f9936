// The agent's side of support calls.
//
// startCalls() runs for as long as the console is mounted: it keeps the queue (call.state frames, and
// GET /api/calls/open after every 'hello'), rings for waiting calls and transfers offered to this agent
// (sound, browser notification, a count on the Calls link) while the agent is not in a call, and holds the
// running call in a dock that stays on screen whatever pane is open (call-session.js does the media).
// renderCalls() is the Calls pane: today's limits, the FIFO queue with accept / reject, the recording
// policy (admins) and the history with filters, CSV export and recordings. Opened as ?call=<id> (the link in
// the Telegram notification of an incoming call) it scrolls to that call in the queue and highlights it, or
// says that it was answered meanwhile or is no longer waiting.
// inviteToCall() starts a call from a chat conversation.

import { api, currentCsrfToken, enc, query } from './api.js';
import { h, icon, none, setText } from './dom.js';
import { t } from './i18n.js';
import { showError } from './messages.js';
import { openLocalMedia } from './call-rtc.js';
import { CallSession } from './call-session.js';
import { playTones, unlockSound } from './sound.js';

const ENDED = new Set(['REJECTED', 'MISSED', 'CANCELLED', 'ENDED']);
const RING_EVERY_MS = 2500;
const CAMERA_KEY = 'romotica.calls.camera';
const HISTORY_PAGE = 50;
const STATUSES = ['PENDING', 'RINGING', 'ACCEPTED', 'REJECTED', 'MISSED', 'CANCELLED', 'ENDED'];

let store = null; // {user, socket, setNavBadge, openPane, root, calls, dock, session, …}

const http = { headers: () => ({ 'X-CSRF-Token': currentCsrfToken() || '' }), credentials: 'same-origin' };

/** Starts the agent's call handling (console mount). */
export function startCalls({ user, socket, setNavBadge, openPane, root, openConversation }) {
  stopCalls();
  store = {
    user, socket, setNavBadge, openPane, root, openConversation,
    calls: new Map(), // id → {call, position, estimatedWaitSeconds}
    session: null, local: null, accepting: null, inviting: false,
    notified: new Set(), ringTimer: null, ui: null, offs: [],
    dock: h('aside', { id: 'call-dock', class: 'call-dock', hidden: true, tattrs: { 'aria-label': 'call.title' } }),
  };
  root.append(store.dock);
  store.offs.push(socket.on('call.state', onState));
  store.offs.push(socket.on('hello', () => loadOpen()));
  store.offs.push(socket.on('error', onError));
  document.addEventListener('pointerdown', unlockSound, { once: true });
  document.addEventListener('keydown', unlockSound, { once: true });
}

export function stopCalls() {
  if (!store) return;
  for (const off of store.offs) off();
  clearInterval(store.ringTimer);
  if (store.session) store.session.end();
  releaseLocal();
  store.dock.remove();
  store = null;
}

async function loadOpen() {
  if (!store) return;
  let states;
  try {
    states = await api('GET', '/api/calls/open');
  } catch {
    return;
  }
  if (!store) return;
  store.loaded = true;
  const known = new Set();
  for (const s of states) {
    known.add(s.call.id);
    put(s);
  }
  // Waiting calls this node missed while disconnected are gone from the queue.
  for (const [id, s] of store.calls) if (!known.has(id) && s.call.status === 'PENDING') store.calls.delete(id);
  const mine = states.find((s) => s.call.status === 'ACCEPTED' && s.call.agentId === store.user.id);
  if (mine && !store.session) showRejoin(mine.call);
  else if (store.session) store.socket.send({ type: 'call.resume', callId: store.session.call.id });
  refresh();
}

function put(frame) {
  store.calls.set(frame.call.id, frame);
}

function mineNow(call) {
  return call.agentId === store.user.id && (call.status === 'ACCEPTED' || call.status === 'RINGING');
}

function onState(frame) {
  if (!store) return;
  const c = frame.call;
  const before = store.calls.get(c.id);
  // Today's count changes only when a call is answered.
  if (c.status === 'ACCEPTED' && (!before || before.call.status !== 'ACCEPTED') && store.ui) loadLimits();
  put(frame);
  if (ENDED.has(c.status)) store.calls.delete(c.id);

  const session = store.session;
  if (session && session.call.id === c.id) {
    if (ENDED.has(c.status)) endSession('call.ended.agent');
    else if (c.agentId !== store.user.id) endSession('call.transferred', { name: c.agentName || '' });
    else session.update(c);
  } else if (c.status === 'ACCEPTED' && c.agentId === store.user.id && !session
    && (store.accepting === c.id || store.inviting === c.id)) {
    // Ours now: a queued call we accepted, our invitation the visitor accepted, or a transfer we took
    // (then the visitor drops the previous agent's peer connection: rejoin).
    const rejoin = store.transferTaking === c.id;
    store.accepting = null;
    store.transferTaking = null;
    store.inviting = false;
    startSession(c, { rejoin });
  } else if (c.status === 'RINGING' && c.agentId === store.user.id && store.inviting === true) {
    store.inviting = c.id;
    showInviting(c);
  } else if (store.inviting === c.id && ENDED.has(c.status)) {
    store.inviting = false;
    releaseLocal();
    showDock(h('p', { class: 'call-title', t: `call.outcome.${c.status}` }), dockClose());
  }
  refresh();
}

function onError(frame) {
  if (!store || !frame.ref) return;
  if (frame.ref === store.accepting) {
    store.accepting = null;
    store.transferTaking = null;
  } else if (store.inviting === true && frame.ref === store.invitingConversation) {
    store.inviting = false;
  } else {
    return;
  }
  releaseLocal();
  showError({ code: frame.code });
  refresh();
}

// --- ringing ---

/** A phone-like double ring. */
function ringOnce() {
  playTones([{ freq: 660, at: 0, length: 0.3, gain: 0.2 }, { freq: 660, at: 0.35, length: 0.3, gain: 0.2 }]);
}

/** Calls that ring for this agent: the queue, and transfers offered to them — unless they are in a call. */
function ringing() {
  if (!store || store.session) return [];
  return [...store.calls.values()].map((s) => s.call).filter((c) => c.status === 'PENDING'
    || (c.status === 'ACCEPTED' && c.transferTo === store.user.id));
}

function notify(c) {
  if (store.notified.has(c.id)) return;
  store.notified.add(c.id);
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(t('calls.notification.title', { name: c.visitorName }), {
      body: t(c.transferTo ? 'calls.notification.transfer' : 'calls.notification.body'), tag: `call-${c.id}`, lang: document.documentElement.lang,
    });
    n.addEventListener('click', () => {
      window.focus();
      n.close();
      store.openPane();
    });
  } catch {
    // notifications only from a service worker here: sound and badge remain
  }
}

function refresh() {
  if (!store) return;
  const ring = ringing();
  store.setNavBadge('calls', ring.length);
  for (const c of ring) notify(c);
  if (ring.length > 0 && !store.ringTimer) {
    ringOnce();
    store.ringTimer = setInterval(ringOnce, RING_EVERY_MS);
  } else if (ring.length === 0 && store.ringTimer) {
    clearInterval(store.ringTimer);
    store.ringTimer = null;
  }
  if (store.ui) renderQueue();
}

// --- taking, making and holding a call ---

/** Whether this agent answers with the camera on (a choice in the Calls pane, kept in this browser). */
function answerWithCamera() {
  try {
    return localStorage.getItem(CAMERA_KEY) === '1';
  } catch {
    return false;
  }
}

async function takeMedia() {
  if (!store.local) store.local = await openLocalMedia(answerWithCamera());
  return store.local;
}

function releaseLocal() {
  if (store && store.local && !store.session) for (const track of store.local.getTracks()) track.stop();
  if (store) store.local = null;
}

async function accept(c) {
  if (store.session || store.accepting) return;
  store.accepting = c.id;
  store.transferTaking = c.status === 'ACCEPTED' ? c.id : null;
  try {
    await takeMedia();
  } catch {
    store.accepting = null;
    showError({ code: 'MEDIA_DENIED' });
    return;
  }
  store.socket.send({ type: 'call.accept', callId: c.id });
}

function reject(c) {
  store.socket.send({ type: 'call.reject', callId: c.id });
}

/** Calls the visitor of a chat conversation. */
export async function inviteToCall(conversationId) {
  if (!store || store.session || store.inviting) return;
  store.inviting = true;
  try {
    await takeMedia();
  } catch {
    store.inviting = false;
    showError({ code: 'MEDIA_DENIED' });
    return;
  }
  store.invitingConversation = conversationId;
  store.socket.send({ type: 'call.invite', conversationId, video: false });
}

function startSession(c, { rejoin = false } = {}) {
  const extra = sessionExtras(c);
  const session = new CallSession({
    socket: store.socket, call: c, role: 'agent', local: store.local, http, extra: extra.buttons,
    onHangup: () => store.socket.send({ type: 'call.hangup', callId: c.id }),
  });
  store.session = session;
  store.local = null;
  const head = h('div', { class: 'call-dock-head' },
    h('p', { class: 'call-title', id: 'call-with', t: 'call.with', targs: { name: c.visitorName } }),
    c.conversationId ? dockButton('call-open-chat', 'calls.openChat', () => store.openConversation(c.conversationId)) : null);
  showDock(head, extra.transfer, session.root);
  const update = session.update.bind(session);
  session.update = (call) => {
    update(call);
    extra.render(call);
  };
  extra.render(c);
  session.start({ rejoin }).catch((err) => console.warn('call start failed', err));
  refresh();
}

/** The agent's own controls: ask for the visitor's screen, record (as policy allows), transfer. */
function sessionExtras(c) {
  const askShare = h('button', { type: 'button', id: 'call-ask-share', class: 'btn btn-secondary btn-small' }, h('span', { t: 'calls.askShare' }));
  askShare.addEventListener('click', () => store.socket.send({ type: 'call.control', callId: c.id, action: 'share-request' }));
  const record = h('button', { type: 'button', id: 'call-record', class: 'btn btn-secondary btn-small', 'aria-pressed': 'false' }, h('span', { t: 'calls.record.start' }));
  record.addEventListener('click', () => {
    const on = record.getAttribute('aria-pressed') === 'true';
    store.socket.send({ type: 'call.control', callId: c.id, action: on ? 'recording-stop' : 'recording-start' });
  });
  const transferSelect = h('select', { id: 'call-transfer-agent', tattrs: { 'aria-label': 'calls.transfer.to' } });
  const transferBtn = h('button', { type: 'button', id: 'call-transfer', class: 'btn btn-secondary btn-small' }, h('span', { t: 'calls.transfer' }));
  const transfer = h('div', { class: 'call-transfer' }, transferSelect, transferBtn);
  const loadAgents = async () => {
    try {
      const agents = await api('GET', '/api/chat/agents');
      transferSelect.replaceChildren(h('option', { value: '', t: 'calls.transfer.choose' }),
        ...agents.filter((a) => a.id !== store.user.id && a.status !== 'offline').map((a) => h('option', { value: a.id, text: a.name })));
    } catch {
      // the button stays; the list is tried again on focus
    }
  };
  transferSelect.addEventListener('focus', loadAgents, { once: true });
  loadAgents();
  transferBtn.addEventListener('click', () => {
    if (!transferSelect.value) return;
    store.socket.send({ type: 'call.transfer', callId: c.id, agentId: transferSelect.value });
  });
  return {
    buttons: [askShare, record],
    transfer,
    render(call) {
      record.hidden = call.recording === 'OFF';
      record.disabled = call.recording === 'ALWAYS';
      record.setAttribute('aria-pressed', String(call.recordingActive));
      setText(record.firstElementChild, call.recordingActive ? 'calls.record.stop' : 'calls.record.start');
      transferBtn.disabled = Boolean(call.transferTo);
      setText(transferBtn.firstElementChild, call.transferTo ? 'calls.transfer.pending' : 'calls.transfer');
    },
  };
}

function endSession(key, args) {
  if (!store.session) return;
  store.session.end();
  store.session = null;
  showDock(h('p', { class: 'call-title', id: 'call-ended', t: key, targs: args }), dockClose());
  refresh();
}

function showInviting(c) {
  const cancel = dockButton('call-cancel', 'call.cancel', () => store.socket.send({ type: 'call.hangup', callId: c.id }));
  showDock(h('p', { class: 'call-title', id: 'call-inviting', t: 'calls.inviting', targs: { name: c.visitorName } }), cancel);
}

function showRejoin(c) {
  const rejoin = dockButton('call-rejoin', 'call.rejoin', async () => {
    try {
      await takeMedia();
    } catch {
      showError({ code: 'MEDIA_DENIED' });
      return;
    }
    startSession(c, { rejoin: true });
  });
  const hang = dockButton('call-rejoin-hangup', 'call.hangup', () => store.socket.send({ type: 'call.hangup', callId: c.id }));
  showDock(h('p', { class: 'call-title', t: 'calls.rejoin.text', targs: { name: c.visitorName } }), h('div', { class: 'btn-row' }, rejoin, hang));
}

function dockButton(id, key, onClick) {
  const b = h('button', { type: 'button', id, class: 'btn btn-secondary btn-small' }, h('span', { t: key }));
  b.addEventListener('click', onClick);
  return b;
}

function dockClose() {
  return dockButton('call-dock-close', 'common.close', () => showDock());
}

function showDock(...content) {
  store.dock.replaceChildren(...content.filter(Boolean));
  store.dock.hidden = content.filter(Boolean).length === 0;
}

// --- the Calls pane ---

export function renderCalls(container, ctx = {}) {
  if (!store) return;
  const wanted = new URLSearchParams(ctx.search || '').get('call');
  store.focus = wanted ? { id: wanted, shown: false } : null;
  const limits = h('p', { id: 'calls-limits', class: 'calls-limits muted' });
  const queue = h('ul', { id: 'calls-queue', class: 'calls-queue' });
  const focusNote = h('p', { id: 'calls-focus-note', class: 'calls-focus-note', role: 'status', hidden: true });
  const queueEmpty = h('div', { class: 'empty-state calls-empty' },
    h('div', { class: 'empty-icon' }, icon('calls')),
    h('h2', { class: 'empty-title', t: 'pane.calls.emptyTitle' }),
    h('p', { class: 'empty-text', t: 'pane.calls.emptyText' }));
  const camera = h('input', { type: 'checkbox', id: 'calls-answer-camera', props: { checked: answerWithCamera() } });
  camera.addEventListener('change', () => {
    try {
      localStorage.setItem(CAMERA_KEY, camera.checked ? '1' : '0');
    } catch {
      // storage blocked: the choice lasts for this page
    }
  });
  const policy = store.user.role === 'ADMIN' ? policyControl() : null;
  const history = historySection();
  container.append(
    h('header', { class: 'pane-header' },
      h('h1', { class: 'pane-title', tabindex: '-1', t: 'nav.calls' }),
      limits),
    h('section', { class: 'card calls-section', 'aria-labelledby': 'calls-queue-h' },
      h('h2', { id: 'calls-queue-h', class: 'card-title', t: 'calls.queue' }),
      h('label', { class: 'call-check' }, camera, h('span', { t: 'calls.answerCamera' })),
      focusNote, queue, queueEmpty),
    policy,
    history.root);
  store.ui = { container, limits, queue, queueEmpty, focusNote };
  renderQueue();
  loadLimits();
  history.load();
}

export function leaveCalls() {
  if (store) store.ui = null;
}

async function loadLimits() {
  let l;
  try {
    l = await api('GET', '/api/calls/limits');
  } catch {
    return;
  }
  if (!store || !store.ui) return;
  const team = l.teamLimit > 0 ? t('calls.limits.team', { used: l.teamToday, limit: l.teamLimit }) : t('calls.limits.teamNone', { used: l.teamToday });
  const mine = l.agentLimit > 0 ? t('calls.limits.mine', { used: l.agentToday, limit: l.agentLimit }) : t('calls.limits.mineNone', { used: l.agentToday });
  store.ui.limits.textContent = `${team} · ${mine} (${l.timeZone})`;
}

function renderQueue() {
  const { queue, queueEmpty } = store.ui;
  const items = [...store.calls.values()]
    .filter((s) => s.call.status === 'PENDING' || (s.call.status === 'ACCEPTED' && s.call.transferTo === store.user.id))
    .sort((a, b) => (a.call.createdAt < b.call.createdAt ? -1 : 1));
  queue.replaceChildren(...items.map((s) => queueItem(s)));
  queueEmpty.hidden = items.length > 0;
  showFocus();
}

/**
 * The call the pane was opened for (?call=<id>): highlighted in the queue (scrolled to once), or a note
 * that someone answered it or that it no longer waits — said only once the open calls are known.
 */
function showFocus() {
  const f = store.focus;
  const { queue, focusNote } = store.ui;
  if (!f) return;
  const item = [...queue.children].find((li) => li.dataset.call === f.id);
  if (item) {
    item.classList.add('is-focused');
    item.setAttribute('aria-current', 'true');
    focusNote.hidden = true;
    if (!f.shown) {
      f.shown = true;
      item.scrollIntoView({ block: 'center' });
      const accept = item.querySelector('[data-action="accept"]');
      if (accept && !accept.disabled) accept.focus();
    }
    return;
  }
  if (!store.loaded) return;
  const known = store.calls.get(f.id);
  const c = known ? known.call : null;
  if (c && c.status === 'ACCEPTED') setText(focusNote, 'calls.focus.answered', { name: c.agentName || '' });
  else setText(focusNote, 'calls.focus.gone');
  focusNote.hidden = false;
}

function queueItem(s) {
  const c = s.call;
  const transfer = c.status === 'ACCEPTED';
  const accept = h('button', { type: 'button', class: 'btn btn-primary btn-small', dataset: { action: 'accept', call: c.id }, disabled: Boolean(store.session || store.accepting) },
    icon('calls'), h('span', { t: 'calls.accept' }));
  accept.addEventListener('click', () => accept.disabled || acceptClicked(c, accept));
  const rejectBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { action: 'reject', call: c.id } }, h('span', { t: 'calls.reject' }));
  rejectBtn.addEventListener('click', () => reject(c));
  return h('li', { class: 'calls-item', dataset: { call: c.id } },
    h('div', { class: 'calls-item-who' },
      h('strong', { class: 'calls-item-name', text: c.visitorName }),
      transfer
        ? h('span', { class: 'badge', t: 'calls.transferFrom', targs: { name: c.agentName || '' } })
        : h('span', { class: 'muted', t: 'calls.position', targs: { position: s.position || 1 } }),
      c.video ? h('span', { class: 'badge', t: 'calls.video' }) : null),
    h('time', { class: 'calls-item-time muted', dt: c.createdAt, dtStyle: 'time' }),
    h('div', { class: 'btn-row' }, accept, rejectBtn));
}

function acceptClicked(c, btn) {
  btn.disabled = true;
  accept(c);
}

function policyControl() {
  const select = h('select', { id: 'calls-policy', class: 'calls-policy-select' },
    ['OFF', 'NOTICE', 'ALWAYS'].map((p) => h('option', { value: p, t: `calls.policy.${p}` })));
  const note = h('p', { class: 'muted', t: 'calls.policy.help' });
  api('GET', '/api/calls/policy').then((p) => { select.value = p.recording; }).catch(() => {});
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      const p = await api('PUT', '/api/calls/policy', { recording: select.value });
      select.value = p.recording;
    } catch (err) {
      showError(err);
    } finally {
      select.disabled = false;
    }
  });
  return h('section', { class: 'card calls-section', 'aria-labelledby': 'calls-policy-h' },
    h('h2', { id: 'calls-policy-h', class: 'card-title', t: 'calls.policy' }),
    h('label', { class: 'field-inline' }, h('span', { t: 'calls.policy.label' }), select),
    note);
}

function historySection() {
  const status = h('select', { id: 'calls-filter-status' }, h('option', { value: '', t: 'calls.filter.any' }),
    STATUSES.map((s) => h('option', { value: s, t: `calls.status.${s}` })));
  const q = h('input', { id: 'calls-filter-q', type: 'search', autocomplete: 'off', tattrs: { placeholder: 'calls.filter.q', 'aria-label': 'calls.filter.q' } });
  const from = h('input', { id: 'calls-filter-from', type: 'date', tattrs: { 'aria-label': 'calls.filter.from' } });
  const to = h('input', { id: 'calls-filter-to', type: 'date', tattrs: { 'aria-label': 'calls.filter.to' } });
  const exportLink = h('a', { id: 'calls-export', class: 'btn btn-secondary btn-small', href: '/api/calls/export.csv', download: 'romotica-calls.csv' },
    icon('download'), h('span', { t: 'calls.export' }));
  const body = h('tbody', { id: 'calls-history' });
  const more = h('button', { type: 'button', id: 'calls-more', class: 'btn btn-secondary', hidden: true, t: 'calls.more' });
  const form = h('form', { class: 'calls-filters', role: 'search' }, status, q, from, to,
    h('button', { type: 'submit', class: 'btn btn-secondary btn-small', t: 'calls.filter.apply' }), exportLink);
  let before = null;

  function params() {
    return { status: status.value || undefined, q: q.value.trim() || undefined, from: from.value || undefined, to: to.value || undefined };
  }

  async function load({ append = false } = {}) {
    const p = params();
    exportLink.href = `/api/calls/export.csv${query(p)}`;
    if (!append) before = null;
    let rows;
    try {
      rows = await api('GET', `/api/calls${query({ ...p, before: before || undefined, limit: HISTORY_PAGE })}`);
    } catch (err) {
      showError(err);
      return;
    }
    if (!append) body.replaceChildren();
    body.append(...rows.map(historyRow));
    before = rows.length === HISTORY_PAGE ? rows[rows.length - 1].call.createdAt : null;
    more.hidden = before === null;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load();
  });
  more.addEventListener('click', () => load({ append: true }));
  const root = h('section', { class: 'card calls-section', 'aria-labelledby': 'calls-history-h' },
    h('h2', { id: 'calls-history-h', class: 'card-title', t: 'calls.history' }),
    form,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table calls-table' },
      h('thead', {}, h('tr', {}, ['calls.col.time', 'calls.col.visitor', 'calls.col.agent', 'calls.col.status', 'calls.col.duration', 'calls.col.recordings']
        .map((k) => h('th', { scope: 'col', t: k })))),
      body)),
    h('div', { class: 'actions actions-center' }, more));
  return { root, load };
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return none();
  return h('span', { text: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` });
}

function historyRow(r) {
  const c = r.call;
  const recs = r.recordings.length === 0 ? none() : h('ul', { class: 'calls-recordings' }, r.recordings.map((rec) => recordingItem(rec)));
  return h('tr', { dataset: { call: c.id } },
    h('td', {}, h('time', { dt: c.createdAt })),
    h('td', { text: c.visitorName }),
    h('td', {}, c.agentName ? h('span', { text: c.agentName }) : none()),
    h('td', {}, h('span', { class: 'badge', t: `calls.status.${c.status}`, tfallback: c.status })),
    h('td', {}, duration(r.durationSeconds)),
    h('td', {}, recs));
}

function recordingItem(rec) {
  const src = `/api/calls/recordings/${enc(rec.id)}`;
  const play = h('button', { type: 'button', class: 'btn btn-ghost btn-small', dataset: { recording: rec.id } }, h('span', { t: 'calls.play' }));
  const li = h('li', { class: 'calls-recording' },
    h('span', { t: `calls.role.${rec.role}` }),
    h('span', { class: 'muted', text: ` ${Math.round(rec.size / 1024)} KB · ${rec.durationSeconds} s ` }),
    play,
    h('a', { href: `${src}?download=true`, class: 'btn btn-ghost btn-small', t: 'calls.download' }));
  play.addEventListener('click', () => {
    const media = h(rec.contentType.startsWith('video/') ? 'video' : 'audio', { controls: true, src, class: 'calls-player', preload: 'metadata' });
    play.replaceWith(media);
    media.play().catch(() => {});
  });
  return li;
}
