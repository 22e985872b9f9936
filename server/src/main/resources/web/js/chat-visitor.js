// The visitor's chat page (/chat, also inside the widget's iframe with ?embed=1): a name (and optional
// contact details) once, then the visitor's conversations and live chat over /ws (opened with one-time
// tickets, see socket.js). The identity {visitorId, name, token} lives in localStorage under
// romotica.visitor; requests carry the token in X-Visitor-Token and no cookie (an agent signed in on the same
// browser stays out of it). The token expires (chat.visitor.token.ttl) unless renewed: an answer may carry a
// fresh one in X-Visitor-Token-Renewed, which replaces the stored one. A token the server no longer takes
// (VISITOR_TOKEN_EXPIRED, or UNAUTHENTICATED for one it never issued) starts a fresh visitor.

import { ApiError } from './api.js';
import { h, icon, logo, setText } from './dom.js';
import { detectLanguage, setLanguage, t } from './i18n.js';
import { langSwitch, mountScreen, setTitle } from './layout.js';
import { clearMessage, ClientError, showMessage } from './messages.js';
import { field, onSubmit, requireEmail, requireValue, submitButton } from './forms.js';
import { createSocket, socketUrl } from './socket.js';
import { ChatClient, isShown } from './chat-client.js';
import { createThreadView, showChatError } from './chat-view.js';
import { createMediaCache } from './chat-media.js';
import { Uploads } from './chat-upload.js';
import { createVisitorCalls } from './call-visitor.js';
import { createPhoneVerification } from './chat-phone.js';

const IDENTITY_KEY = 'romotica.visitor';
const OUTBOX_KEY = 'romotica.visitor.outbox';
/** The conversation open in this tab (sessionStorage), so a reload stays in it. */
const OPEN_KEY = 'romotica.visitor.open';
/** Why this tab's identity was just forgotten (sessionStorage), so the notice survives a reload. */
const GONE_KEY = 'romotica.visitor.gone';
const PHONE = /^\+?[0-9 ()-]{4,40}$/;
/** Codes that mean the stored identity is of no use any more. */
const IDENTITY_GONE = new Set(['UNAUTHENTICATED', 'VISITOR_TOKEN_EXPIRED']);
const RENEWED_HEADER = 'X-Visitor-Token-Renewed';
const LIST_REFRESH_DELAY_MS = 300;

const params = new URLSearchParams(location.search);
const embedded = params.get('embed') === '1';

let identity = null;
let session = null; // {socket, client, view, conversations, unread, …}
let panelOpen = true; // inside the widget: whether its panel shows this page
/** Whether an agent is online: null until known (GET /api/chat/availability, then chat.availability frames). */
let available = null;
let availabilityTimer = null;
/** How often the welcome screen (which has no socket yet) asks whether an agent is there. */
const AVAILABILITY_POLL_MS = 30000;

// --- small helpers ---

/**
 * The ?lang= the widget passes (tr or en, also as "en-GB"); anything else falls back to the visitor's
 * stored choice, then the browser's languages (i18n.js detectLanguage).
 */
function pickLanguage() {
  const m = /^(tr|en)(-|$)/.exec((params.get('lang') || '').trim().toLowerCase());
  return m ? m[1] : detectLanguage();
}

function readJson(storage, key) {
  try {
    return JSON.parse(storage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function writeStorage(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    // storage blocked: works for this page's lifetime only
  }
}

function loadIdentity() {
  const v = readJson(localStorage, IDENTITY_KEY);
  if (!v || typeof v.token !== 'string' || typeof v.name !== 'string') return null;
  if (typeof v.visitorId !== 'string') {
    // Tokens look like v2.<visitor id>.<issued at>.<mac>.
    const parts = v.token.split('.');
    v.visitorId = parts.length === 4 ? parts[1] : '';
  }
  return v;
}

/** Keeps the fresh token the server handed out for the one this identity holds. */
function takeRenewedToken(sentToken, renewed) {
  if (!renewed || !identity || identity.token !== sentToken || !/^[A-Za-z0-9._-]{1,200}$/.test(renewed)) return;
  identity = { ...identity, token: renewed };
  writeStorage(localStorage, IDENTITY_KEY, identity);
}

/**
 * The stored identity was refused: forget it and ask for a name again (saying why when it expired). The
 * reason is kept for this tab, so a reload right after still says it.
 */
function identityGone(code) {
  forget();
  writeStorage(sessionStorage, GONE_KEY, code);
  renderWelcome({ again: true, expired: code === 'VISITOR_TOKEN_EXPIRED' });
}

/** A visitor request: JSON, the token header, no cookies. Rejects with ApiError. */
async function visitorFetch(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['X-Visitor-Token'] = token;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'omit', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null, null);
  }
  const text = await res.text().catch(() => '');
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data, res.headers.get('Retry-After'));
  if (token) takeRenewedToken(token, res.headers.get(RENEWED_HEADER));
  return data;
}

function visible() {
  return document.visibilityState === 'visible' && (!embedded || panelOpen);
}

/** On phones an on-screen keyboard would cover half the page: focus text fields only where there is room. */
function roomForKeyboard() {
  return window.matchMedia('(min-width: 480px)').matches;
}

function toParent(msg) {
  if (embedded && window.parent !== window) window.parent.postMessage(msg, '*');
}

// --- availability ---

/** The "no one is online" notice; every screen has one, shown while no agent is available. */
function availabilityNotice() {
  return h('p', { id: 'chat-offline-notice', class: 'chat-availability', role: 'status', hidden: available !== false },
    h('span', { t: 'chat.availability.none' }));
}

function setAvailable(value) {
  available = Boolean(value);
  for (const el of document.querySelectorAll('.chat-availability')) el.hidden = available;
}

/** Asks before there is a socket (the welcome screen, or while it connects); frames win afterwards. */
async function fetchAvailability() {
  const s = session;
  try {
    const res = await visitorFetch('GET', '/api/chat/availability');
    if (session !== s || (s && s.availabilityFromSocket)) return;
    if (res && typeof res.available === 'boolean') setAvailable(res.available);
  } catch {
    // Unknown: show nothing rather than a wrong notice; the socket will tell.
  }
  // The welcome screen has no socket: ask again now and then while it is on screen.
  if (!session && !availabilityTimer && document.getElementById('visitor-form')) {
    availabilityTimer = setTimeout(() => {
      availabilityTimer = null;
      if (!session && document.getElementById('visitor-form')) fetchAvailability();
    }, AVAILABILITY_POLL_MS);
  }
}

// --- frame ---

function frame({ welcome = false, actions = [] } = {}, ...content) {
  const top = h('header', { class: 'visitor-top' },
    h('div', { class: 'brand' }, logo(), h('span', { class: 'brand-name', t: 'chat.title' })),
    h('div', { class: 'visitor-top-actions' }, ...actions, langSwitch()));
  return h('div', { class: ['visitor-shell', embedded && 'is-embedded', welcome && 'is-welcome'] },
    top,
    h('main', { id: 'main-content', class: 'visitor-main' },
      h('div', { class: 'visitor-card' }, h('div', { class: 'message-slot' }), availabilityNotice(), ...content)));
}

// --- first screen: who are you ---

function renderWelcome({ again = false, expired = false } = {}) {
  const name = field({ id: 'visitor-name', label: 'chat.form.name', autocomplete: 'name', attrs: { maxlength: '200', required: true } });
  const email = field({ id: 'visitor-email', label: 'chat.form.email', type: 'email', autocomplete: 'email', optional: true, attrs: { maxlength: '254' } });
  const phone = field({ id: 'visitor-phone', label: 'chat.form.phone', type: 'tel', autocomplete: 'tel', optional: true, attrs: { maxlength: '40', inputmode: 'tel' } });
  const submit = submitButton('visitor-start', 'chat.form.submit', 'btn-block');
  const form = h('form', { id: 'visitor-form', class: 'form', method: 'post', action: '/chat' },
    name.wrap, email.wrap, phone.wrap, h('p', { class: 'hint', t: 'chat.form.privacy' }), submit);

  onSubmit(form, submit, async () => {
    const body = { name: requireValue(name.input) };
    if (email.input.value.trim()) body.email = requireEmail(email.input);
    const p = phone.input.value.trim();
    if (p) {
      if (!PHONE.test(p)) throw new ClientError('INVALID_INPUT', phone.input);
      body.phone = p;
    }
    const res = await visitorFetch('POST', '/api/chat/visitors', { body });
    identity = { visitorId: res.visitorId, name: res.name, token: res.token };
    writeStorage(localStorage, IDENTITY_KEY, identity);
    clearMessage();
    await startSession({ fresh: true });
  }, { fields: { name: name.input, email: email.input, phone: phone.input } });

  mountScreen(frame({ welcome: true },
    h('div', { class: 'visitor-welcome' },
      h('div', { class: 'auth-icon' }, icon('chats')),
      h('h1', { class: 'auth-title', tabindex: '-1', t: 'chat.welcome.title' }),
      h('p', { class: 'lead', t: 'chat.welcome.lead' })),
    form), { title: 'chat.title' });
  if (expired) showMessage('info', 'chat.welcome.expired');
  else if (again) showMessage('info', 'chat.welcome.again');
  fetchAvailability();
  if (roomForKeyboard()) name.input.focus();
}

// --- signed-in visitor: list and thread ---

async function startSession({ fresh = false } = {}) {
  let list;
  try {
    list = fresh ? [] : await visitorFetch('GET', '/api/chat/visitor/conversations', { token: identity.token });
  } catch (err) {
    if (IDENTITY_GONE.has(err.code)) {
      // The token expired, or the server no longer knows it (erased, reset, other server).
      identityGone(err.code);
      return;
    }
    renderStartError(err);
    return;
  }

  const socket = createSocket(socketUrl(), { visitorToken: () => (identity ? identity.token : '') });
  const client = new ChatClient({ socket, kind: 'VISITOR', myId: identity.visitorId, outboxKey: OUTBOX_KEY });
  const uploads = new Uploads({ client, headers: () => ({ 'X-Visitor-Token': identity ? identity.token : '' }), visitor: true });
  session = { socket, client, uploads, conversations: new Map(), unread: new Map(), refreshTimer: null, mode: null, offs: [] };
  session.calls = createVisitorCalls({
    socket,
    token: () => (identity ? identity.token : ''),
    conversationId: () => {
      const thread = session && session.mode === 'thread' ? session.view.thread() : null;
      return thread && thread.id ? thread.id : null;
    },
    fetchActive: () => visitorFetch('GET', '/api/calls/visitor/active', { token: identity.token }),
    onLeaveMessage: (id) => {
      if (id && session.conversations.has(id)) openConversation(id);
      else openDraft();
    },
  });
  session.phone = createPhoneVerification({
    request: (method, path) => visitorFetch(method, path, { token: identity ? identity.token : '' }),
  });
  // The list's read pointers (peerReadSeq: how far agents have read) bring back "Seen" after a reload.
  for (const c of list || []) client.putConversation(session.conversations, c);

  buildScreens();
  wireSession();
  fetchAvailability();
  session.phone.start();
  socket.start();

  const wanted = sessionStorage.getItem(OPEN_KEY);
  if (client.draft && client.draft.local.size > 0) openDraft();
  else if (wanted && session.conversations.has(wanted)) openConversation(wanted);
  else if (session.conversations.size === 0) openDraft();
  else showList();
}

function renderStartError(err) {
  const retry = h('button', { type: 'button', class: 'btn btn-primary', t: 'startup.retry' });
  retry.addEventListener('click', () => startSession());
  mountScreen(frame({ welcome: true }, h('div', { class: 'visitor-welcome' },
    h('h1', { class: 'auth-title', tabindex: '-1', t: 'startup.title' }),
    h('div', { class: 'actions' }, retry))));
  showChatError(err.code || 'NETWORK');
}

function buildScreens() {
  const s = session;
  s.listEl = h('ul', { id: 'conversation-list', class: 'visitor-conversations' });
  s.listEmpty = h('p', { class: 'muted', t: 'chat.conversations.none', hidden: true });
  const newBtn = h('button', { type: 'button', id: 'new-conversation', class: 'btn btn-primary' },
    icon('plus'), h('span', { t: 'chat.new' }));
  newBtn.addEventListener('click', () => openDraft());
  const forgetBtn = h('button', { type: 'button', class: 'btn btn-link btn-small', t: 'chat.forget', targs: { name: identity.name } });
  forgetBtn.addEventListener('click', () => {
    if (window.confirm(t('chat.forget.confirm'))) {
      forget();
      renderWelcome();
    }
  });
  s.listView = h('section', { class: 'visitor-list-view', 'aria-labelledby': 'visitor-list-h' },
    h('div', { class: 'visitor-list-head' },
      h('h1', { id: 'visitor-list-h', class: 'visitor-h1', tabindex: '-1', t: 'chat.conversations' }),
      newBtn),
    s.listEl, s.listEmpty,
    h('p', { class: 'visitor-forget' }, forgetBtn));

  s.view = createThreadView({
    client: s.client,
    ids: { messages: 'messages', composer: 'composer', send: 'send', typing: 'typing', seen: 'seen' },
    typingKey: (name) => (name ? { key: 'chat.typing', args: { name } } : { key: 'chat.typing.agent' }),
    bannerFor: (thread) => {
      if (thread.notFound) return 'chat.notFound';
      const c = thread.id ? s.conversations.get(thread.id) : null;
      return c && c.status === 'RESOLVED' ? 'chat.banner.resolved.visitor' : null;
    },
    emptyKey: 'chat.empty.visitor',
    media: createMediaCache({
      headers: () => ({ 'X-Visitor-Token': identity ? identity.token : '' }),
      credentials: 'omit',
      localBlob: (id) => s.uploads.localBlobs.get(id),
    }),
    uploads: s.uploads,
  });
  const back = h('button', { type: 'button', id: 'back-to-list', class: 'btn btn-ghost btn-small' },
    icon('back'), h('span', { t: 'chat.back' }));
  back.addEventListener('click', () => showList({ focus: true }));
  s.threadTitle = h('h1', { class: 'visitor-h1', tabindex: '-1' });
  s.threadStatus = h('span', { class: 'badge', hidden: true });
  s.connection = h('p', { class: 'chat-connection', role: 'status', hidden: true });
  s.threadViewEl = h('section', { class: 'visitor-thread-view', 'aria-labelledby': 'visitor-thread-h' },
    h('div', { class: 'visitor-thread-head' }, back, h('div', { class: 'visitor-thread-title', id: 'visitor-thread-h' }, s.threadTitle, s.threadStatus)),
    s.connection,
    s.view.root);

  mountScreen(frame({ actions: [s.calls.button] }, s.calls.panel, s.phone.root, s.listView, s.threadViewEl));
  setTitle('chat.title');
}

function wireSession() {
  const { client, socket } = session;
  const offs = session.offs;
  offs.push(client.on('message', ({ message, thread, mine, live }) => {
    const c = session.conversations.get(message.conversationId);
    if (!c) {
      scheduleListRefresh();
    } else {
      if (message.seq > (c.lastSeq || 0)) c.lastSeq = message.seq;
      if (!c.lastMessageAt || message.createdAt > c.lastMessageAt) c.lastMessageAt = message.createdAt;
    }
    const seeing = session.view.thread() === thread && visible();
    if (live && !mine && message.senderKind === 'AGENT' && isShown(message) && !seeing) {
      session.unread.set(message.conversationId, (session.unread.get(message.conversationId) || 0) + 1);
      reportUnread();
    }
    if (session.mode === 'list') renderList();
  }));
  offs.push(client.on('started', ({ thread, message }) => {
    if (!session.conversations.has(thread.id)) {
      session.conversations.set(thread.id, {
        id: thread.id, visitorId: identity.visitorId, visitorName: identity.name, status: 'OPEN',
        assigneeId: null, lastSeq: message.seq, createdAt: message.createdAt, lastMessageAt: message.createdAt,
      });
    }
    const current = session.view.thread();
    // The first message created the conversation: the draft on screen is now that conversation (or,
    // when another tab had created it first, gives way to it).
    if (current && current !== thread && current.id === null && client.viewed === thread) session.view.show(thread);
    if (session.view.thread() === thread) {
      writeStorage(sessionStorage, OPEN_KEY, thread.id);
      renderThreadHead(thread);
    }
    scheduleListRefresh();
  }));
  offs.push(client.on('conversation', ({ conversation }) => {
    session.conversations.set(conversation.id, { ...(session.conversations.get(conversation.id) || {}), ...conversation });
    const current = session.view.thread();
    if (current && current.id === conversation.id) {
      renderThreadHead(current);
      session.view.refresh();
    }
    if (session.mode === 'list') renderList();
  }));
  offs.push(client.on('error', (e) => {
    if (!e.background) showChatError(e.code);
  }));
  offs.push(socket.on('state', (state) => {
    // Shown from the first failed attempt until a connection is back (not flickering on each retry).
    if (state === 'offline') {
      setText(session.connection, 'chat.connection.offline');
      session.connection.hidden = false;
    } else if (state === 'open') {
      session.connection.hidden = true;
    }
  }));
  offs.push(socket.on('close', (e) => {
    // The ticket for a new connection was refused for the token itself: start over as a new visitor.
    if (e.final && IDENTITY_GONE.has(e.reason)) identityGone(e.reason);
  }));
  offs.push(socket.on('chat.erased', (f) => {
    // An admin erased this contact (right to be forgotten): nothing of it stays in this browser either.
    if (!identity || f.visitorId !== identity.visitorId) return;
    forget();
    renderWelcome({ again: true });
  }));
  offs.push(socket.on('chat.availability', (f) => {
    session.availabilityFromSocket = true;
    setAvailable(f.available);
  }));
  offs.push(socket.on('hello', () => {
    session.connection.hidden = true;
    // Anything that happened while we were away (new conversations, status changes) shows in the list.
    scheduleListRefresh();
  }));
}

function forget() {
  if (session) {
    for (const off of session.offs) off();
    session.calls.destroy();
    session.phone.destroy();
    session.view.destroy();
    session.uploads.dispose();
    session.client.dispose();
    session.socket.stop();
    clearTimeout(session.refreshTimer);
    session = null;
  }
  identity = null;
  writeStorage(localStorage, IDENTITY_KEY, null);
  writeStorage(localStorage, OUTBOX_KEY, null);
  writeStorage(sessionStorage, OPEN_KEY, null);
  reportUnread();
}

function scheduleListRefresh() {
  if (!session || session.refreshTimer) return;
  session.refreshTimer = setTimeout(refreshList, LIST_REFRESH_DELAY_MS);
}

async function refreshList() {
  const s = session;
  if (!s) return;
  s.refreshTimer = null;
  try {
    const list = await visitorFetch('GET', '/api/chat/visitor/conversations', { token: identity.token });
    if (session !== s) return;
    for (const c of list || []) s.client.putConversation(s.conversations, c);
    const current = s.view.thread();
    if (current && current.id) {
      renderThreadHead(current);
      s.view.refresh();
    }
    if (s.mode === 'list') renderList();
  } catch (err) {
    if (!err.handled && IDENTITY_GONE.has(err.code)) identityGone(err.code);
    // Otherwise keep what we have; the next event tries again.
  }
}

function sortedConversations() {
  return [...session.conversations.values()].sort((a, b) =>
    String(b.lastMessageAt || b.createdAt || '').localeCompare(String(a.lastMessageAt || a.createdAt || '')));
}

function renderList() {
  const s = session;
  const items = sortedConversations().map((c) => {
    const unread = s.unread.get(c.id) || 0;
    const btn = h('button', { type: 'button', class: 'visitor-conv' },
      h('span', { class: 'visitor-conv-main' },
        h('span', { class: 'visitor-conv-title', t: 'chat.conversation' }),
        h('span', { class: 'visitor-conv-when' },
          h('span', { t: 'chat.lastMessage' }), ' ',
          h('time', { dt: c.lastMessageAt || c.createdAt || null }))),
      h('span', { class: ['badge', statusBadgeClass(c.status)], t: `chat.status.${c.status}`, tfallback: c.status }),
      h('span', { class: 'unread', hidden: unread === 0, text: unread > 0 ? String(unread) : '' }),
      h('span', { class: 'visually-hidden', t: 'chats.unreadLabel', hidden: unread === 0 }));
    btn.addEventListener('click', () => openConversation(c.id));
    return h('li', { dataset: { conversationId: c.id } }, btn);
  });
  s.listEl.replaceChildren(...items);
  s.listEmpty.hidden = items.length > 0;
}

function statusBadgeClass(status) {
  if (status === 'RESOLVED') return 'badge-muted';
  if (status === 'PENDING') return 'badge-warn';
  return 'badge-ok';
}

function showList({ focus = false } = {}) {
  const s = session;
  s.mode = 'list';
  s.client.view(null);
  s.view.show(null);
  writeStorage(sessionStorage, OPEN_KEY, null);
  renderList();
  s.listView.hidden = false;
  s.threadViewEl.hidden = true;
  toParent({ type: 'romotica.view', view: 'list' });
  if (focus) s.listView.querySelector('h1').focus();
  scheduleListRefresh();
}

function showThread(thread) {
  const s = session;
  s.mode = 'thread';
  s.listView.hidden = true;
  s.threadViewEl.hidden = false;
  renderThreadHead(thread);
  s.view.show(thread);
  s.client.setVisible(visible());
  if (thread.id) {
    s.unread.delete(thread.id);
    reportUnread();
    writeStorage(sessionStorage, OPEN_KEY, thread.id);
  }
  if (roomForKeyboard()) s.view.focus();
}

function openDraft() {
  showThread(session.client.draftThread());
}

function openConversation(id) {
  const thread = session.client.thread(id);
  thread.info = session.conversations.get(id) || thread.info;
  showThread(thread);
}

function renderThreadHead(thread) {
  const s = session;
  const c = thread && thread.id ? s.conversations.get(thread.id) : null;
  setText(s.threadTitle, thread && thread.id ? 'chat.conversation' : 'chat.new');
  if (c && c.status) {
    s.threadStatus.className = `badge ${statusBadgeClass(c.status)}`;
    s.threadStatus.dataset.i18nFallback = c.status;
    setText(s.threadStatus, `chat.status.${c.status}`);
    s.threadStatus.hidden = false;
  } else {
    s.threadStatus.hidden = true;
  }
}

function unreadTotal() {
  if (!session) return 0;
  let n = 0;
  for (const v of session.unread.values()) n += v;
  return n;
}

function reportUnread() {
  toParent({ type: 'romotica.unread', count: unreadTotal() });
}

function visibilityChanged() {
  if (!session) return;
  const v = visible();
  session.client.setVisible(v);
  const t = session.view.thread();
  if (v && t && t.id && session.mode === 'thread') {
    session.unread.delete(t.id);
    reportUnread();
  }
}

// --- start ---

async function start() {
  try {
    await setLanguage(pickLanguage());
  } catch {
    await setLanguage('en').catch(() => {});
  }
  if (embedded) {
    document.documentElement.classList.add('is-embedded');
    window.addEventListener('message', (ev) => {
      // Only the page that frames us may say whether its panel is open; it says nothing else.
      if (ev.source !== window.parent || !ev.data || ev.data.type !== 'romotica.panel') return;
      panelOpen = Boolean(ev.data.open);
      visibilityChanged();
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') toParent({ type: 'romotica.close' });
    });
  }
  document.addEventListener('visibilitychange', visibilityChanged);
  window.addEventListener('focus', visibilityChanged);
  identity = loadIdentity();
  const gone = sessionStorage.getItem(GONE_KEY);
  writeStorage(sessionStorage, GONE_KEY, null);
  if (identity) await startSession();
  else renderWelcome({ again: gone !== null, expired: gone === 'VISITOR_TOKEN_EXPIRED' });
}

start();
