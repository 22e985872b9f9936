// The console's live chat: a store that lives as long as the console (so counts, the title badge and
// notifications work from every pane) and the Chats pane that shows it: a search box and conversations by
// status on the left, the open conversation on the right with its details panel (the visitor's contact
// details, transcript downloads, transfer to another agent, and for admins erasing the contact). Unread
// counts are kept per agent in localStorage: messages with a seq above what this agent last saw, not
// counting the agent's own; list answers carry the agent's read pointer from the server (readSeq), which
// moves the local mark forward, so counts agree across devices and reloads.

import { api, currentCsrfToken, enc, query } from './api.js';
import { h, icon, renderDate, setText } from './dom.js';
import { formatNumber, onLanguageChange, t } from './i18n.js';
import { setTitleBadge } from './layout.js';
import { showError, showSuccess } from './messages.js';
import { setAddress } from './router.js';
import { ChatClient } from './chat-client.js';
import { createThreadView, showChatError } from './chat-view.js';
import { createMediaCache, summary } from './chat-media.js';
import { Uploads } from './chat-upload.js';
import { clearCanned, matchCanned, onCannedChange, refreshCanned } from './canned.js';
import { confirmDialog } from './dialog.js';
import { playTones, setSoundMuted, soundMuted, unlockSound } from './sound.js';
import { inviteToCall } from './calls.js';

const STATUSES = ['OPEN', 'PENDING', 'RESOLVED'];
/** Statuses whose lists are loaded at start, so counts and badges are right from any pane. */
const ACTIVE = ['OPEN', 'PENDING'];
const READ_KEY = 'romotica.chat.read.';
const OUTBOX_KEY = 'romotica.chat.outbox.';
/** At most this many conversations keep a "last read" mark in localStorage (oldest are dropped). */
const READ_MARKS_MAX = 500;
const REFRESH_DELAY_MS = 300;
const BEEP_GAP_MS = 1500;
const NOTIFICATION_TEXT_MAX = 140;
/** Typing in the search box searches after this pause (Enter searches at once). */
const SEARCH_DEBOUNCE_MS = 400;
const SEARCH_LIMIT = 50;
/** Query words as the server splits them: letters and digits. */
const WORD = /[\p{L}\p{N}]+/gu;

let store = null;

// --- the store (console lifetime) ---

/**
 * Starts the chat store for a signed-in agent. openPane() switches the console to the Chats pane;
 * setNavBadge(pane, count) shows the unread total on the navigation.
 */
export function startChats({ user, socket, openPane, setNavBadge }) {
  stopChats();
  const client = new ChatClient({ socket, kind: 'AGENT', myId: user.id, outboxKey: OUTBOX_KEY + user.id });
  // Uploads go on while the agent looks at another pane; the console's cookie and CSRF token authorise them.
  const uploads = new Uploads({
    client,
    headers: () => ({ 'X-CSRF-Token': currentCsrfToken() || '' }),
    refreshAuth: () => api('GET', '/api/auth/me'),
  });
  store = {
    user, socket, client, uploads, openPane, setNavBadge,
    convs: new Map(), // id → conversation
    missing: new Set(), // ids a refresh did not find (e.g. resolved, not loaded): no refetch storm
    read: loadReadMarks(user.id), // id → seq this agent has seen
    mine: new Map(), // id → Set of seqs this agent wrote
    names: new Map(), // agent id → name (from presence frames and agent messages)
    tab: 'OPEN',
    loaded: new Set(), // statuses whose list has been fetched
    failed: false, // the last list fetch failed
    openId: null,
    ui: null,
    refreshTimer: null,
    saveTimer: null,
    lastBeep: 0,
    offs: [],
    connectedBefore: false,
    hints: new Map(), // conversation id → {visitorName} from search hits (conversations not in a list)
    visitors: new Map(), // visitor id → details, or {gone: true} once erased / not found
    agents: null, // [{id, name, capacity, open, status}] for transfers, loaded when the details panel opens
    agentStatus: new Map(), // agent id → 'online' | 'away' | 'offline' (presence frames)
    onlineVisitors: new Set(), // visitor ids with a live connection (visitor.presence frames)
    detailsOpen: false,
    exportNotes: false,
  };
  wire();
  refresh(ACTIVE);
  refreshCanned();
  document.addEventListener('visibilitychange', visibilityChanged);
  document.addEventListener('pointerdown', unlockSound, true);
  document.addEventListener('keydown', unlockSound, true);
}

export function stopChats() {
  if (!store) return;
  for (const off of store.offs) off();
  store.uploads.dispose();
  store.client.dispose();
  clearTimeout(store.refreshTimer);
  if (store.saveTimer) {
    clearTimeout(store.saveTimer);
    writeReadMarks();
  }
  document.removeEventListener('visibilitychange', visibilityChanged);
  document.removeEventListener('pointerdown', unlockSound, true);
  document.removeEventListener('keydown', unlockSound, true);
  store = null;
  clearCanned();
  setTitleBadge(0);
}

function wire() {
  const { client, socket } = store;
  const offs = store.offs;
  offs.push(client.on('message', onMessage));
  offs.push(client.on('conversation', ({ conversation }) => applyConversation(conversation)));
  offs.push(client.on('error', (e) => {
    if (!e.background && store.ui) showChatError(e.code);
  }));
  offs.push(socket.on('chat.erased', (f) => {
    if (f.visitorId) removeVisitor(f.visitorId); // erased by an admin here or in another console
  }));
  offs.push(socket.on('presence', (f) => {
    if (f.userId && f.name) store.names.set(f.userId, f.name);
    if (f.userId && f.status) store.agentStatus.set(f.userId, f.status);
    if (store.detailsOpen) renderDetails();
  }));
  offs.push(socket.on('visitor.presence', (f) => {
    if (!f.visitorId) return;
    if (f.online) store.onlineVisitors.add(f.visitorId);
    else store.onlineVisitors.delete(f.visitorId);
    renderList();
    if (store.ui && store.openId) store.ui.online.hidden = !visitorOnline(store.convs.get(store.openId));
  }));
  offs.push(socket.on('hello', () => {
    // The server lists every online visitor right after hello: start from nobody.
    store.onlineVisitors.clear();
    store.agentStatus.clear();
    refresh(store.tab === 'RESOLVED' ? [...ACTIVE, 'RESOLVED'] : ACTIVE);
    // Canned replies were loaded at start; after a reconnect, take whatever admins changed meanwhile.
    if (store.connectedBefore) refreshCanned();
    store.connectedBefore = true;
  }));
  offs.push(socket.on('state', (state) => renderConnection(state)));
}

function onMessage({ message, thread, mine, live }) {
  const id = message.conversationId;
  if (message.senderKind === 'AGENT' && message.senderId && message.senderName) store.names.set(message.senderId, message.senderName);
  if (mine) {
    if (!store.mine.has(id)) store.mine.set(id, new Set());
    store.mine.get(id).add(message.seq);
  }
  const c = store.convs.get(id);
  if (c) {
    if (message.seq > (c.lastSeq || 0)) c.lastSeq = message.seq;
    if (!c.lastMessageAt || message.createdAt > c.lastMessageAt) c.lastMessageAt = message.createdAt;
  } else if (!store.missing.has(id)) {
    scheduleRefresh();
  }
  if (viewing(id)) markSeen(id, message.seq);
  else if (live && !mine && message.senderKind === 'VISITOR') announce(message, thread);
  renderList();
  updateBadges();
}

/** The conversation is on screen right now (pane shown, conversation open, tab visible). */
function viewing(id) {
  return Boolean(store.ui) && store.openId === id && document.visibilityState === 'visible';
}

function unreadOf(id) {
  const c = store.convs.get(id);
  if (!c || c.status === 'RESOLVED' || viewing(id)) return 0;
  const read = store.read[id] || 0;
  let mineAfter = 0;
  for (const seq of store.mine.get(id) || []) if (seq > read) mineAfter += 1;
  return Math.max(0, (c.lastSeq || 0) - read - mineAfter);
}

function unreadTotal() {
  let n = 0;
  for (const id of store.convs.keys()) n += unreadOf(id);
  return n;
}

function updateBadges() {
  const total = unreadTotal();
  setTitleBadge(total);
  store.setNavBadge('chats', total);
}

function markSeen(id, seq) {
  if (!seq || (store.read[id] || 0) >= seq) return;
  store.read[id] = seq;
  saveReadMarks();
}

function loadReadMarks(userId) {
  try {
    const v = JSON.parse(localStorage.getItem(READ_KEY + userId) || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** Writes the marks once after a burst of messages (a sync brings up to 200 at a time). */
function saveReadMarks() {
  if (store.saveTimer) return;
  store.saveTimer = setTimeout(() => {
    if (!store) return;
    store.saveTimer = null;
    writeReadMarks();
  }, 0);
}

function writeReadMarks() {
  const ids = Object.keys(store.read);
  if (ids.length > READ_MARKS_MAX) {
    // Keep the marks of conversations we know about, then the newest others.
    for (const id of ids.slice(0, ids.length - READ_MARKS_MAX)) if (!store.convs.has(id)) delete store.read[id];
  }
  try {
    localStorage.setItem(READ_KEY + store.user.id, JSON.stringify(store.read));
  } catch {
    // storage full or blocked: counts start over on the next load
  }
}

function visibilityChanged() {
  if (!store) return;
  const visible = document.visibilityState === 'visible';
  store.client.setVisible(visible && Boolean(store.ui) && Boolean(store.openId));
  if (visible && store.ui && store.openId) {
    const c = store.convs.get(store.openId);
    const thread = store.client.threads.get(store.openId);
    markSeen(store.openId, Math.max(c ? c.lastSeq || 0 : 0, thread ? thread.maxSeq : 0));
    renderList();
  }
  updateBadges();
}

function scheduleRefresh() {
  if (store.refreshTimer) return;
  store.refreshTimer = setTimeout(() => {
    store.refreshTimer = null;
    refresh(store.tab === 'RESOLVED' ? [...ACTIVE, 'RESOLVED'] : ACTIVE, { markMissing: true });
  }, REFRESH_DELAY_MS);
}

/** Loads the lists of these statuses; conversations that left a status are dropped from it. */
async function refresh(statuses, { markMissing = false } = {}) {
  const s = store;
  try {
    const answers = await Promise.all(statuses.map((status) => api('GET', `/api/chat/conversations?status=${enc(status)}`)));
    if (store !== s) return;
    let marksMoved = false;
    answers.forEach((list, i) => {
      const status = statuses[i];
      const seen = new Set();
      for (const c of list || []) {
        seen.add(c.id);
        s.missing.delete(c.id);
        putConversation(c);
        // What this agent read on another device (or before localStorage was cleared) counts here too.
        if (Number.isFinite(c.readSeq) && c.readSeq > (s.read[c.id] || 0)) {
          s.read[c.id] = c.readSeq;
          marksMoved = true;
        }
      }
      for (const [id, c] of s.convs) {
        if (c.status === status && !seen.has(id) && id !== s.openId) s.convs.delete(id);
      }
    });
    if (markMissing) {
      for (const thread of s.client.threads.values()) if (thread.id && !s.convs.has(thread.id)) s.missing.add(thread.id);
    }
    for (const status of statuses) s.loaded.add(status);
    s.failed = false;
    if (marksMoved) saveReadMarks();
  } catch (err) {
    if (store !== s) return;
    s.failed = true;
    if (s.ui) showError(err);
  }
  renderList();
  renderConversation();
  updateBadges();
}

function putConversation(c) {
  store.client.putConversation(store.convs, c);
}

function applyConversation(c) {
  if (!store || !c || !c.id) return;
  putConversation({ ...(store.convs.get(c.id) || {}), ...c });
  store.missing.delete(c.id);
  renderList();
  renderConversation();
  updateBadges();
}

// --- sound and notifications ---

/** A short two-tone beep, at most every BEEP_GAP_MS. */
function beep() {
  if (Date.now() - store.lastBeep < BEEP_GAP_MS) return;
  store.lastBeep = Date.now();
  playTones([{ freq: 880, at: 0, length: 0.18, gain: 0.18 }, { freq: 1175, at: 0.12, length: 0.18, gain: 0.18 }]);
}

function announce(message, thread) {
  beep();
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  const c = store.convs.get(message.conversationId);
  const name = message.senderName || (c && c.visitorName) || t('chat.visitor');
  const text = summary(message);
  const body = text.length > NOTIFICATION_TEXT_MAX ? `${text.slice(0, NOTIFICATION_TEXT_MAX)}…` : text;
  try {
    const n = new Notification(t('chats.notification.title', { name }), { body, tag: message.conversationId, lang: document.documentElement.lang });
    n.addEventListener('click', () => {
      window.focus();
      n.close();
      openFromOutside(thread.id);
    });
  } catch {
    // Some browsers allow notifications only from a service worker: the sound and badges remain.
  }
}

/** Opens a conversation from elsewhere (a notification, the call dock), whatever pane is showing. */
export function openFromOutside(id) {
  if (!store) return;
  store.openId = id;
  const c = store.convs.get(id);
  if (c && c.status !== store.tab) store.tab = c.status;
  if (store.ui) openConversation(id, { focus: true });
  else store.openPane();
}

// --- the pane ---

/** Builds the Chats pane into `container`; ctx.search may name a conversation (?c=<id>). */
export function renderChats(container, ctx) {
  if (!store) return;
  const wanted = new URLSearchParams(ctx.search || '').get('c');
  if (wanted) store.openId = wanted;

  const tabs = STATUSES.map((status) => h('button', {
    type: 'button', role: 'tab', id: `chat-tab-${status}`, class: 'tab', 'aria-controls': 'chat-list-panel',
    dataset: { status }, t: `chat.status.${status}`,
  }));
  const tablist = h('div', { id: 'chat-tabs', class: 'tabs chats-tabs', role: 'tablist', tattrs: { 'aria-label': 'chats.tabsLabel' } }, tabs);
  tabs.forEach((b, i) => {
    b.addEventListener('click', () => selectTab(b.dataset.status, { user: true }));
    b.addEventListener('keydown', (ev) => {
      let next = null;
      if (ev.key === 'ArrowRight') next = (i + 1) % tabs.length;
      else if (ev.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
      else if (ev.key === 'Home') next = 0;
      else if (ev.key === 'End') next = tabs.length - 1;
      if (next !== null) {
        ev.preventDefault();
        selectTab(tabs[next].dataset.status, { user: true });
        tabs[next].focus();
      }
    });
  });

  const list = h('ul', { id: 'chat-list', class: 'chats-list', tattrs: { 'aria-label': 'chats.listLabel' } });
  const listNote = h('p', { class: 'chats-list-note muted', t: 'common.loading' });
  const listPanel = h('div', { id: 'chat-list-panel', class: 'chats-list-panel', role: 'tabpanel' }, list, listNote);

  const notify = h('button', { type: 'button', id: 'chat-notify', class: 'btn btn-secondary btn-small' },
    icon('bell'), h('span', { class: 'chat-notify-label' }));
  notify.addEventListener('click', () => {
    unlockSound();
    if (!('Notification' in window) || Notification.permission !== 'default') return;
    Notification.requestPermission().then(() => renderNotify()).catch(() => renderNotify());
  });
  const mute = h('button', { type: 'button', id: 'chat-mute', class: 'btn btn-secondary btn-small', 'aria-pressed': String(soundMuted()) },
    icon('volumeOff'), h('span', { t: 'chats.mute' }));
  mute.addEventListener('click', () => {
    const next = !soundMuted();
    setSoundMuted(next);
    mute.setAttribute('aria-pressed', String(next));
  });

  // The conversation side.
  const view = createThreadView({
    client: store.client,
    ids: { messages: 'chat-messages', composer: 'chat-composer', send: 'chat-send', typing: 'chat-typing', seen: 'chat-seen' },
    typingKey: (name) => (name ? { key: 'chat.typing', args: { name } } : { key: 'chat.typing.visitor' }),
    bannerFor: (thread) => {
      if (thread.notFound) return 'chat.notFound';
      const c = store && store.convs.get(thread.id);
      return c && c.status === 'RESOLVED' ? 'chat.banner.resolved' : null;
    },
    emptyKey: 'chat.empty.agent',
    media: createMediaCache({ credentials: 'same-origin', localBlob: (id) => store && store.uploads.localBlobs.get(id) }),
    uploads: store.uploads,
    notes: true,
    canned: { match: (typed) => matchCanned(typed), onChange: onCannedChange },
  });
  const back = h('button', { type: 'button', class: 'btn btn-ghost btn-small chats-back' }, icon('back'), h('span', { t: 'chats.back' }));
  back.addEventListener('click', () => closeConversation());
  const title = h('h2', { id: 'chat-title', class: 'chats-conv-title', tabindex: '-1' });
  const online = onlineMark('chat-visitor-online');
  const status = h('span', { class: 'badge' });
  const assignee = h('span', { class: 'chats-assignee muted' });
  const assign = h('button', { type: 'button', id: 'chat-assign', class: 'btn btn-secondary btn-small' }, h('span'));
  const resolve = h('button', { type: 'button', id: 'chat-resolve', class: 'btn btn-secondary btn-small' }, icon('check'), h('span', { t: 'chats.resolve' }));
  const reopen = h('button', { type: 'button', id: 'chat-reopen', class: 'btn btn-secondary btn-small' }, h('span', { t: 'chats.reopen' }));
  const call = h('button', { type: 'button', id: 'chat-call', class: 'btn btn-secondary btn-small' }, icon('calls'), h('span', { t: 'chats.call' }));
  call.addEventListener('click', () => {
    if (store.openId) inviteToCall(store.openId);
  });
  const detailsToggle = h('button', {
    type: 'button', id: 'chat-details-toggle', class: 'btn btn-secondary btn-small', 'aria-expanded': 'false', 'aria-controls': 'chat-details',
  }, icon('account'), h('span', { t: 'chats.details' }));
  assign.addEventListener('click', () => act(assign, 'assign'));
  resolve.addEventListener('click', () => act(resolve, 'RESOLVED'));
  reopen.addEventListener('click', () => act(reopen, 'OPEN'));
  detailsToggle.addEventListener('click', () => toggleDetails());
  const details = buildDetails();
  const connection = h('p', { class: 'chat-connection', role: 'status', hidden: true });
  const conv = h('section', { class: 'chats-conv', 'aria-labelledby': 'chat-title', hidden: true },
    h('div', { class: 'chats-conv-head' },
      back,
      h('div', { class: 'chats-conv-who' }, h('div', { class: 'chats-conv-name' }, title, online), h('div', { class: 'chats-conv-meta' }, status, assignee)),
      h('div', { class: 'chats-conv-actions btn-row' }, call, assign, resolve, reopen, detailsToggle)),
    details.root,
    connection,
    view.root);
  const placeholder = h('div', { class: 'chats-placeholder' },
    h('div', { class: 'empty-icon' }, icon('chats')),
    h('p', { class: 'muted', t: 'chats.choose' }));
  const main = h('div', { class: 'chats-main' }, placeholder, conv);
  const search = buildSearch();
  const layout = h('div', { class: 'chats', dataset: { view: 'list' } },
    h('aside', { class: 'chats-side' }, search.form, tablist, listPanel, search.panel),
    main);

  container.replaceChildren(
    h('header', { class: 'pane-header chats-header' },
      h('h1', { class: 'pane-title', tabindex: '-1', t: 'nav.chats' }),
      h('div', { class: 'chats-tools' }, notify, mute)),
    layout);

  store.ui = {
    container, tabs, tablist, listPanel, list, listNote, notify, mute, view, layout, conv, placeholder, title, online, status, assignee, assign,
    resolve, reopen, detailsToggle, details, search, connection,
  };
  renderNotify();
  renderConnection(store.socket.state());

  const open = store.openId && store.convs.get(store.openId);
  selectTab(open ? open.status : store.tab);
  if (store.openId) openConversation(store.openId);
}

/** Called before another pane replaces this one. */
export function leaveChats() {
  if (!store || !store.ui) return;
  clearTimeout(store.ui.search.timer);
  store.ui.view.destroy();
  store.client.view(null);
  store.client.setVisible(false);
  store.ui = null;
  updateBadges();
}

function selectTab(status, { user = false } = {}) {
  const ui = store.ui;
  store.tab = status;
  for (const b of ui.tabs) {
    const on = b.dataset.status === status;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  ui.list.parentElement.setAttribute('aria-labelledby', `chat-tab-${status}`);
  renderList();
  if (user || !store.loaded.has(status)) refresh(ACTIVE.includes(status) ? ACTIVE : [status]);
}

function sortedOf(status) {
  return [...store.convs.values()].filter((c) => c.status === status).sort((a, b) =>
    String(b.lastMessageAt || b.createdAt || '').localeCompare(String(a.lastMessageAt || a.createdAt || '')));
}

function renderList() {
  if (!store || !store.ui) return;
  const ui = store.ui;
  const items = sortedOf(store.tab);
  const byId = new Map([...ui.list.children].map((li) => [li.dataset.conversationId, li]));
  const rows = items.map((c) => {
    const li = byId.get(c.id) || listItem(c);
    updateItem(li, c);
    return li;
  });
  // Keep focus where it was: reorder rows in place instead of rebuilding the list.
  let cursor = ui.list.firstElementChild;
  for (const li of rows) {
    if (li === cursor) cursor = cursor.nextElementSibling;
    else ui.list.insertBefore(li, cursor);
  }
  const keep = new Set(rows);
  for (const li of [...ui.list.children]) if (!keep.has(li)) li.remove();
  let note = null;
  if (rows.length === 0) note = store.failed ? 'common.loadFailed' : store.loaded.has(store.tab) ? 'chats.none' : 'common.loading';
  ui.listNote.hidden = !note;
  if (note) setText(ui.listNote, note);
}

function listItem(c) {
  const btn = h('button', { type: 'button', class: 'chats-item' },
    h('span', { class: 'chats-item-top' },
      h('span', { class: 'chats-item-who' },
        h('span', { class: 'chats-item-name' }),
        onlineMark()),
      h('time', { class: 'chats-item-time', dt: null, dtStyle: 'time' })),
    h('span', { class: 'chats-item-bottom' },
      h('span', { class: 'badge' }),
      h('span', { class: 'chats-item-assignee muted' }),
      h('span', { class: 'unread', hidden: true }),
      h('span', { class: 'visually-hidden unread-label', t: 'chats.unreadLabel', hidden: true })));
  btn.addEventListener('click', () => openConversation(c.id, { focus: true }));
  return h('li', { dataset: { conversationId: c.id } }, btn);
}

function updateItem(li, c) {
  const btn = li.firstElementChild;
  const name = btn.querySelector('.chats-item-name');
  const label = c.visitorName || t('chat.visitor');
  if (name.textContent !== label) name.textContent = label;
  btn.querySelector('.chats-online').hidden = !visitorOnline(c);
  const time = btn.querySelector('time');
  const when = c.lastMessageAt || c.createdAt || '';
  if (time.getAttribute('datetime') !== when) {
    time.setAttribute('datetime', when);
    time.dataset.dt = sameDay(when) ? 'time' : 'date';
    renderDate(time);
  }
  const badge = btn.querySelector('.badge');
  badge.className = `badge ${statusClass(c.status)}`;
  badge.dataset.i18nFallback = c.status;
  setText(badge, `chat.status.${c.status}`);
  const who = btn.querySelector('.chats-item-assignee');
  if (c.assigneeId === store.user.id) setText(who, 'chats.assignee.me');
  else {
    delete who.dataset.i18n;
    who.textContent = '';
  }
  const n = unreadOf(c.id);
  const unread = btn.querySelector('.unread');
  unread.hidden = n === 0;
  unread.textContent = n > 0 ? String(n) : '';
  btn.querySelector('.unread-label').hidden = n === 0;
  if (store.openId === c.id) btn.setAttribute('aria-current', 'true');
  else btn.removeAttribute('aria-current');
}

/** A green dot with the words for screen readers, shown while the visitor is connected. */
function onlineMark(id) {
  return h('span', { class: 'chats-online', id, hidden: true },
    h('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden', t: 'chats.visitorOnline' }));
}

function visitorOnline(c) {
  return Boolean(c && c.visitorId && store.onlineVisitors.has(c.visitorId));
}

function sameDay(iso) {
  const d = new Date(iso);
  const now = new Date();
  return d.toDateString() === now.toDateString();
}

function statusClass(status) {
  if (status === 'RESOLVED') return 'badge-muted';
  if (status === 'PENDING') return 'badge-warn';
  return 'badge-ok';
}

function openConversation(id, { focus = false, reveal = 0 } = {}) {
  const ui = store.ui;
  if (!ui) return;
  const changed = store.openId !== id;
  store.openId = id;
  const c = store.convs.get(id);
  const thread = store.client.thread(id);
  if (c) thread.info = c;
  setAddress(`/console/chats?c=${encodeURIComponent(id)}`);
  ui.layout.dataset.view = 'thread';
  ui.placeholder.hidden = true;
  ui.conv.hidden = false;
  if (changed || ui.view.thread() !== thread) ui.view.show(thread);
  if (reveal) ui.view.reveal(reveal);
  store.client.setVisible(document.visibilityState === 'visible');
  markSeen(id, Math.max(c ? c.lastSeq || 0 : 0, thread.maxSeq));
  renderConversation();
  renderList();
  updateBadges();
  if (store.detailsOpen) loadDetails();
  if (focus) ui.view.focus();
}

function closeConversation() {
  const ui = store.ui;
  const id = store.openId;
  store.openId = null;
  store.client.view(null);
  store.client.setVisible(false);
  ui.view.show(null);
  ui.layout.dataset.view = 'list';
  ui.conv.hidden = true;
  ui.placeholder.hidden = false;
  setAddress('/console/chats');
  renderList();
  const item = id && ui.list.querySelector(`li[data-conversation-id="${CSS.escape(id)}"] button`);
  if (item) item.focus();
}

function renderConversation() {
  if (!store || !store.ui || !store.openId) return;
  const ui = store.ui;
  const c = store.convs.get(store.openId);
  const hint = store.hints.get(store.openId);
  ui.title.textContent = (c && c.visitorName) || (hint && hint.visitorName) || t('chat.visitor');
  ui.online.hidden = !visitorOnline(c);
  if (c) {
    ui.status.hidden = false;
    ui.status.className = `badge ${statusClass(c.status)}`;
    ui.status.dataset.i18nFallback = c.status;
    setText(ui.status, `chat.status.${c.status}`);
    if (!c.assigneeId) setText(ui.assignee, 'chats.assignee.none');
    else if (c.assigneeId === store.user.id) setText(ui.assignee, 'chats.assignee.me');
    else if (store.names.has(c.assigneeId)) setText(ui.assignee, 'chats.assignee.named', { name: store.names.get(c.assigneeId) });
    else setText(ui.assignee, 'chats.assignee.other');
    setText(ui.assign.firstElementChild, c.assigneeId === store.user.id ? 'chats.unassign' : 'chats.assign');
    ui.resolve.hidden = c.status === 'RESOLVED';
    ui.reopen.hidden = c.status !== 'RESOLVED';
  } else {
    ui.status.hidden = true;
    ui.assignee.textContent = '';
    setText(ui.assign.firstElementChild, 'chats.assign');
    ui.resolve.hidden = false;
    ui.reopen.hidden = true;
  }
  for (const b of [ui.assign, ui.resolve, ui.reopen]) b.disabled = !c || b.getAttribute('aria-busy') === 'true';
  renderDetails();
  ui.view.refresh();
}

/** Assign / unassign / change status: the answer is the updated conversation (also broadcast). */
async function act(btn, what) {
  const id = store.openId;
  const c = store.convs.get(id);
  if (!id || !c) return;
  btn.setAttribute('aria-busy', 'true');
  btn.disabled = true;
  try {
    let res;
    if (what === 'assign') {
      const agentId = c.assigneeId === store.user.id ? null : store.user.id;
      res = await api('POST', `/api/chat/conversations/${enc(id)}/assign`, { agentId });
    } else {
      res = await api('POST', `/api/chat/conversations/${enc(id)}/status`, { status: what });
    }
    if (res && res.id) applyConversation(res);
  } catch (err) {
    showError(err);
  } finally {
    btn.removeAttribute('aria-busy');
    if (store && store.ui) renderConversation();
  }
}

// --- search ---

/** The search box and its result list (shown in place of the tabs and list while there is a query). */
function buildSearch() {
  const input = h('input', {
    type: 'search', id: 'chat-search', class: 'chats-search-input', autocomplete: 'off', spellcheck: 'false',
    enterkeyhint: 'search', maxlength: '200', 'aria-controls': 'chat-search-results', tattrs: { placeholder: 'chats.search.placeholder' },
  });
  const form = h('form', { id: 'chat-search-form', class: 'chats-search', role: 'search', novalidate: true },
    h('label', { for: 'chat-search', class: 'visually-hidden', t: 'chats.search.label' }),
    input);
  const status = h('p', { id: 'chat-search-status', class: 'chats-search-status muted', role: 'status' });
  const results = h('ul', { id: 'chat-search-results', class: 'chats-results', tattrs: { 'aria-label': 'chats.search.results' } });
  const close = h('button', { type: 'button', id: 'chat-search-close', class: 'btn btn-link btn-small' }, icon('back'), h('span', { t: 'chats.search.back' }));
  const panel = h('div', { id: 'chat-search-panel', class: 'chats-results-panel', hidden: true },
    h('div', { class: 'chats-results-head' }, status, close), results);
  const search = { form, input, panel, status, results, timer: null, seq: 0, query: '' };

  input.addEventListener('input', () => {
    clearTimeout(search.timer);
    const q = input.value.trim();
    if (!q) {
      endSearch();
      return;
    }
    search.timer = setTimeout(() => runSearch(q), SEARCH_DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && input.value) {
      ev.preventDefault();
      input.value = '';
      endSearch();
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(search.timer);
    const q = input.value.trim();
    if (q) runSearch(q, { force: true });
    else endSearch();
  });
  close.addEventListener('click', () => {
    input.value = '';
    endSearch();
    input.focus();
  });
  results.addEventListener('click', (ev) => {
    const btn = ev.target.closest('button[data-conversation-id]');
    if (btn) openHit(btn.dataset.conversationId, Number(btn.dataset.seq), btn.dataset.visitorName);
  });
  return search;
}

function showSearchPanel(on) {
  const ui = store.ui;
  ui.search.panel.hidden = !on;
  ui.tablist.hidden = on;
  ui.listPanel.hidden = on;
}

function endSearch() {
  const ui = store && store.ui;
  if (!ui) return;
  clearTimeout(ui.search.timer);
  ui.search.seq += 1; // an answer still on its way is dropped
  ui.search.query = '';
  ui.search.results.replaceChildren();
  ui.search.status.textContent = '';
  delete ui.search.status.dataset.i18n;
  showSearchPanel(false);
}

async function runSearch(q, { force = false } = {}) {
  const ui = store && store.ui;
  if (!ui) return;
  const search = ui.search;
  if (!force && q === search.query) return;
  search.query = q;
  const seq = ++search.seq;
  showSearchPanel(true);
  const words = q.match(WORD) || [];
  if (words.length === 0) {
    search.results.replaceChildren();
    setText(search.status, 'chats.search.needWord');
    return;
  }
  setText(search.status, 'chats.search.searching');
  search.results.setAttribute('aria-busy', 'true');
  let hits;
  try {
    hits = await api('GET', `/api/chat/search${query({ q, limit: SEARCH_LIMIT })}`);
  } catch (err) {
    if (!store || store.ui !== ui || seq !== search.seq) return;
    search.results.removeAttribute('aria-busy');
    search.results.replaceChildren();
    setText(search.status, 'chats.search.failed');
    showError(err);
    return;
  }
  if (!store || store.ui !== ui || seq !== search.seq) return;
  search.results.removeAttribute('aria-busy');
  const list = Array.isArray(hits) ? hits : [];
  const pattern = highlighter(words);
  search.results.replaceChildren(...list.map((hit) => hitItem(hit, pattern)));
  setText(search.status, list.length === 0 ? 'chats.search.none' : 'chats.search.count', { count: list.length, query: q });
}

/** A case-insensitive pattern of the query's words (each also as the start of a longer word). */
function highlighter(words) {
  const escaped = [...new Set(words.map((w) => w.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('|'), 'giu');
}

/** The text as nodes with the matched words in <mark> elements (text only, never HTML). */
function highlighted(text, pattern) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue;
    if (m.index > last) frag.append(document.createTextNode(text.slice(last, m.index)));
    frag.append(h('mark', { text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(document.createTextNode(text.slice(last)));
  return frag;
}

function hitItem(hit, pattern) {
  const sender = hit.senderKind === 'VISITOR'
    ? hit.senderName || hit.visitorName || t('chat.visitor')
    : hit.senderName || t('chat.agent');
  const btn = h('button', {
    type: 'button', class: 'chats-hit',
    dataset: { conversationId: hit.conversationId, seq: hit.seq, visitorName: hit.visitorName || '' },
  },
  h('span', { class: 'chats-item-top' },
    h('span', { class: 'chats-item-name', text: hit.visitorName || t('chat.visitor') }),
    h('time', { class: 'chats-item-time', dt: hit.createdAt || null, dtStyle: hit.createdAt && sameDay(hit.createdAt) ? 'time' : 'date' })),
  h('span', { class: 'chats-hit-sender muted' },
    h('span', { text: sender }),
    hit.kind === 'NOTE' ? h('span', { class: 'badge badge-warn', t: 'chats.search.note' }) : null),
  h('span', { class: 'chats-hit-snippet' }, highlighted(String(hit.body || ''), pattern)));
  return h('li', { dataset: { conversationId: hit.conversationId, seq: hit.seq } }, btn);
}

/** Opens a search hit's conversation and scrolls to the message. */
function openHit(id, seq, visitorName) {
  if (!store || !store.ui || !id) return;
  if (visitorName) store.hints.set(id, { visitorName });
  openConversation(id, { focus: false, reveal: seq });
  store.ui.title.focus();
  // A resolved (or long-gone) conversation is not in the lists loaded so far: load them all once.
  if (!store.convs.has(id)) {
    store.missing.delete(id);
    refresh([...ACTIVE, 'RESOLVED']);
  }
}

// --- the details panel: contact, transcripts, transfer, erase ---

function buildDetails() {
  const heading = h('h3', { id: 'chat-details-h', class: 'chats-details-title', t: 'chats.details.contact' });
  const info = h('dl', { id: 'chat-visitor', class: 'chats-visitor' });
  const infoNote = h('p', { class: 'muted chats-details-note', role: 'status' });

  // Transcript downloads: plain links (the session cookie authorises them; the server names the file).
  const notes = h('input', { type: 'checkbox', id: 'chat-export-notes' });
  const textLink = h('a', { id: 'chat-export-text', class: 'btn btn-secondary btn-small', href: '#', download: true },
    icon('download'), h('span', { t: 'chats.export.text' }));
  const htmlLink = h('a', { id: 'chat-export-html', class: 'btn btn-secondary btn-small', href: '#', download: true },
    icon('download'), h('span', { t: 'chats.export.html' }));
  notes.addEventListener('change', () => {
    store.exportNotes = notes.checked;
    renderExport();
  });
  const exportGroup = h('div', { class: 'chats-details-block', role: 'group', 'aria-labelledby': 'chat-export-h' },
    h('h3', { id: 'chat-export-h', class: 'chats-details-title', t: 'chats.export.title' }),
    h('div', { class: 'btn-row' }, textLink, htmlLink),
    h('label', { class: 'check', for: 'chat-export-notes' }, notes, h('span', { t: 'chats.export.notes' })));

  // Transfer to another agent.
  const agent = h('select', { id: 'chat-transfer-agent', 'aria-describedby': 'chat-transfer-hint' });
  const transfer = h('button', { type: 'submit', id: 'chat-transfer', class: 'btn btn-secondary btn-small' }, h('span', { t: 'chats.transfer.submit' }));
  const transferForm = h('form', { id: 'chat-transfer-form', class: 'chats-details-block', novalidate: true },
    h('h3', { class: 'chats-details-title' }, h('label', { for: 'chat-transfer-agent', t: 'chats.transfer.title' })),
    h('div', { class: 'input-with-button' }, agent, transfer),
    h('p', { id: 'chat-transfer-hint', class: 'hint', t: 'chats.transfer.hint' }));
  transferForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    transferTo(agent, transfer);
  });

  // Erasing the contact (admins).
  const erase = h('button', { type: 'button', id: 'chat-erase', class: 'btn btn-danger-outline btn-small' }, icon('trash'), h('span', { t: 'chats.erase.button' }));
  erase.addEventListener('click', () => eraseContact(erase));
  const eraseBlock = h('div', { class: 'chats-details-block', hidden: true },
    h('h3', { class: 'chats-details-title', t: 'chats.erase.heading' }),
    h('p', { class: 'hint', t: 'chats.erase.hint' }),
    erase);

  const root = h('section', { id: 'chat-details', class: 'chats-details', hidden: true, 'aria-labelledby': 'chat-details-h' },
    h('div', { class: 'chats-details-block' }, heading, info, infoNote),
    exportGroup,
    transferForm,
    eraseBlock);
  return { root, info, infoNote, notes, textLink, htmlLink, agent, transfer, erase, eraseBlock };
}

function toggleDetails() {
  store.detailsOpen = !store.detailsOpen;
  renderDetails();
  if (store.detailsOpen) loadDetails();
}

/** Fetches the open conversation's visitor and the agents (for transfers) again. */
async function loadDetails() {
  const s = store;
  const id = s.openId;
  const c = s.convs.get(id);
  const tasks = [loadAgents()];
  if (c && c.visitorId) {
    const visitorId = c.visitorId;
    tasks.push(api('GET', `/api/chat/visitors/${enc(visitorId)}`).then((v) => {
      if (store === s && v && v.id) s.visitors.set(visitorId, v);
    }, (err) => {
      if (store !== s) return;
      if (err.code === 'NOT_FOUND') s.visitors.set(visitorId, { gone: true });
      else if (!s.visitors.has(visitorId)) s.visitors.set(visitorId, { failed: true });
    }));
  }
  await Promise.all(tasks);
  if (store === s) renderDetails();
}

async function loadAgents() {
  const s = store;
  try {
    const list = await api('GET', '/api/chat/agents');
    if (store !== s) return;
    s.agents = Array.isArray(list) ? list : [];
    for (const a of s.agents) {
      if (a.id && a.name) s.names.set(a.id, a.name);
      if (a.id && a.status) s.agentStatus.set(a.id, a.status);
    }
  } catch {
    // The transfer list stays as it was (or empty); the rest of the panel works without it.
  }
}

/** The visitor's number, with a "verified" mark when they proved it is theirs (through Telegram). */
function phoneValue(v) {
  const link = h('a', { href: `tel:${v.phone.replace(/[^0-9+]/g, '')}`, text: v.phone });
  if (!v.phoneVerifiedAt) return link;
  const mark = h('span', { id: 'chat-visitor-phone-verified', class: 'badge badge-ok chats-verified', t: 'chats.visitor.phoneVerified' });
  mark.title = t('chats.visitor.phoneVerifiedAt', { when: new Date(v.phoneVerifiedAt).toLocaleString(document.documentElement.lang || undefined) });
  return h('span', { class: 'chats-visitor-phone' }, link, ' ', mark);
}

function renderDetails() {
  const ui = store && store.ui;
  if (!ui) return;
  const d = ui.details;
  const open = store.detailsOpen && Boolean(store.openId);
  ui.detailsToggle.setAttribute('aria-expanded', String(open));
  d.root.hidden = !open;
  if (!open) return;
  const c = store.convs.get(store.openId);
  const v = c && c.visitorId ? store.visitors.get(c.visitorId) : null;

  // Contact details.
  const rows = [];
  const row = (key, value) => rows.push(h('div', { class: 'chats-visitor-row' }, h('dt', { t: key }), h('dd', {}, value)));
  const textOrNone = (value) => (value ? h('span', { text: value }) : h('span', { class: 'muted', t: 'common.none' }));
  if (v && v.id) {
    row('chats.visitor.name', textOrNone(v.name));
    row('chats.visitor.email', v.email ? h('a', { href: `mailto:${v.email}`, text: v.email }) : textOrNone(null));
    row('chats.visitor.phone', v.phone ? phoneValue(v) : textOrNone(null));
    row('chats.visitor.firstSeen', h('time', { dt: v.createdAt || null }));
    row('chats.visitor.lastSeen', h('time', { dt: v.lastSeenAt || null }));
    row('chats.visitor.conversations', h('span', { text: formatNumber(v.conversations || 0) }));
  }
  d.info.replaceChildren(...rows);
  d.info.hidden = rows.length === 0;
  let note = null;
  if (!c) note = 'chats.details.unknown';
  else if (!v) note = 'common.loading';
  else if (v.gone) note = 'chats.visitor.gone';
  else if (v.failed) note = 'common.loadFailed';
  d.infoNote.hidden = !note;
  if (note) setText(d.infoNote, note);
  else d.infoNote.textContent = '';

  renderExport();

  // Transfer: every agent but the one it is assigned to, with how busy they are.
  const current = c ? c.assigneeId : null;
  const choices = (store.agents || []).filter((a) => a.id !== current);
  const wanted = d.agent.value;
  d.agent.replaceChildren(
    h('option', { value: '', t: store.agents ? (choices.length ? 'chats.transfer.choose' : 'chats.transfer.nobody') : 'common.loading' }),
    ...choices.map((a) => h('option', {
      value: a.id,
      dataset: { status: agentStatusOf(a) },
      text: t(a.open >= a.capacity ? 'chats.transfer.optionFull' : 'chats.transfer.option', {
        name: a.name, open: a.open, capacity: a.capacity, status: t(`presence.${agentStatusOf(a)}`),
      }),
    })));
  if (choices.some((a) => a.id === wanted)) d.agent.value = wanted;
  const busy = d.transfer.getAttribute('aria-busy') === 'true';
  d.agent.disabled = !c || busy;
  d.transfer.disabled = !c || busy || choices.length === 0;

  d.eraseBlock.hidden = !(store.user.role === 'ADMIN' && c && c.visitorId && !(v && v.gone));
  d.erase.disabled = d.erase.getAttribute('aria-busy') === 'true';
}

/** The agent's status: the latest presence frame, else what the agents list said, else offline. */
function agentStatusOf(a) {
  const status = store.agentStatus.get(a.id) || a.status;
  return ['online', 'away', 'offline'].includes(status) ? status : 'offline';
}

function renderExport() {
  const d = store.ui.details;
  const id = store.openId;
  d.notes.checked = store.exportNotes;
  const base = `/api/chat/conversations/${enc(id || '')}/transcript`;
  const notes = store.exportNotes ? '&notes=true' : '';
  d.textLink.setAttribute('href', `${base}?format=text${notes}`);
  d.htmlLink.setAttribute('href', `${base}?format=html${notes}`);
}

async function transferTo(select, btn) {
  const id = store.openId;
  const agentId = select.value;
  if (!id || !agentId) {
    select.setAttribute('aria-invalid', 'true');
    select.focus();
    return;
  }
  select.removeAttribute('aria-invalid');
  const name = store.names.get(agentId) || '';
  btn.setAttribute('aria-busy', 'true');
  btn.disabled = true;
  try {
    const res = await api('POST', `/api/chat/conversations/${enc(id)}/assign`, { agentId });
    if (res && res.id) applyConversation(res);
    showSuccess('chats.transfer.done', { name });
    await loadAgents();
  } catch (err) {
    showError(err);
  } finally {
    btn.removeAttribute('aria-busy');
    if (store && store.ui) renderDetails();
  }
}

async function eraseContact(btn) {
  const c = store.convs.get(store.openId);
  if (!c || !c.visitorId) return;
  const visitorId = c.visitorId;
  const v = store.visitors.get(visitorId);
  const name = (v && v.name) || c.visitorName || t('chat.visitor');
  const count = v && Number.isFinite(v.conversations) ? v.conversations : null;
  const ok = await confirmDialog({
    id: 'chat-erase-dialog',
    title: { key: 'chats.erase.title', args: { name } },
    body: [
      count === null ? { key: 'chats.erase.text', args: { name } } : { key: 'chats.erase.textCount', args: { name, count } },
      { key: 'chats.erase.final' },
    ],
    confirm: 'chats.erase.confirm',
    returnTo: btn,
  });
  if (!ok || !store) return;
  btn.setAttribute('aria-busy', 'true');
  btn.disabled = true;
  try {
    const res = await api('POST', `/api/chat/visitors/${enc(visitorId)}/erase`, {});
    removeVisitor(visitorId);
    showSuccess('chats.erase.done', {
      name, conversations: res ? res.conversations : 0, messages: res ? res.messages : 0, attachments: res ? res.attachments : 0,
    });
  } catch (err) {
    if (err.code === 'NOT_FOUND') removeVisitor(visitorId); // erased meanwhile by someone else
    showError(err);
  } finally {
    btn.removeAttribute('aria-busy');
    if (store && store.ui) renderDetails();
  }
}

/** Drops every conversation of an erased visitor from this console. */
function removeVisitor(visitorId) {
  if (!store) return;
  store.visitors.set(visitorId, { gone: true });
  const ids = [...store.convs.values()].filter((c) => c.visitorId === visitorId).map((c) => c.id);
  for (const id of ids) {
    store.convs.delete(id);
    store.missing.add(id);
    store.hints.delete(id);
    delete store.read[id];
    store.mine.delete(id);
  }
  if (store.openId && ids.includes(store.openId)) {
    if (store.ui) closeConversation();
    else store.openId = null;
  }
  for (const id of ids) store.client.forget(id);
  saveReadMarks();
  renderList();
  updateBadges();
  if (store.ui) {
    const heading = store.ui.container.querySelector('h1');
    if (heading && !store.ui.layout.contains(document.activeElement)) heading.focus();
  }
}

function renderNotify() {
  const ui = store && store.ui;
  if (!ui) return;
  const label = ui.notify.querySelector('.chat-notify-label');
  let key = 'chats.notify.enable';
  let enabled = true;
  if (!('Notification' in window)) {
    key = 'chats.notify.unsupported';
    enabled = false;
  } else if (Notification.permission === 'granted') {
    key = 'chats.notify.on';
    enabled = false;
  } else if (Notification.permission === 'denied') {
    key = 'chats.notify.denied';
    enabled = false;
  }
  setText(label, key);
  ui.notify.disabled = !enabled;
  ui.notify.dataset.permission = 'Notification' in window ? Notification.permission : 'unsupported';
}

function renderConnection(state) {
  const ui = store && store.ui;
  if (!ui) return;
  // Shown from the first failed attempt until a connection is back (not flickering on each retry).
  if (state === 'offline') {
    setText(ui.connection, 'chat.connection.offline');
    ui.connection.hidden = false;
  } else if (state === 'open' || state === 'stopped') {
    ui.connection.hidden = true;
  }
}

onLanguageChange(() => {
  if (store && store.ui) {
    renderList();
    renderConversation();
  }
});
