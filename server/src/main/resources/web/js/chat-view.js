// One conversation on screen: the message log (role=log, new messages announced), the "is typing"
// line, the "Seen" receipt under your last message, and the composer (Enter sends, Shift+Enter adds a
// line). Used by the visitor page and the console's Chats pane with different element ids.
// Every name and message goes in through textContent; links are built with DOM APIs, http(s) only.

import { h, icon, renderDate, setText } from './dom.js';
import { t } from './i18n.js';
import { checkText, MAX_TEXT } from './chat-client.js';
import { errorKey, showMessage } from './messages.js';

/** Shown under the composer once a message gets this long. */
const COUNTER_FROM = MAX_TEXT - 500;
const MAX_ROWS = 6;
/** How close to the end (px) still counts as "reading the newest messages". */
const NEAR_BOTTOM_PX = 48;

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'")\]}>]+$/;

/**
 * The text as DOM nodes: plain text nodes, with http(s) URLs turned into links that open in a new tab
 * without giving it access to this page. Never parses HTML.
 */
export function linkify(text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    let candidate = match[0];
    // Sentence punctuation after a URL is not part of it; a ")" is, when the URL opened one.
    let tail = '';
    const m = TRAILING.exec(candidate);
    if (m) {
      tail = m[0];
      candidate = candidate.slice(0, -tail.length);
      while (tail.startsWith(')') && count(candidate, '(') > count(candidate, ')')) {
        candidate += ')';
        tail = tail.slice(1);
      }
    }
    let url = null;
    try {
      url = new URL(candidate);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !candidate) continue;
    if (match.index > last) frag.append(document.createTextNode(text.slice(last, match.index)));
    const a = document.createElement('a');
    a.href = url.href;
    a.rel = 'noopener noreferrer nofollow';
    a.target = '_blank';
    a.textContent = candidate;
    frag.append(a);
    last = match.index + candidate.length;
  }
  if (last < text.length) frag.append(document.createTextNode(text.slice(last)));
  return frag;
}

function count(s, ch) {
  let n = 0;
  for (const c of s) if (c === ch) n += 1;
  return n;
}

function isToday(iso) {
  const d = new Date(iso);
  const now = new Date();
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
}

function timeEl(iso) {
  return h('time', { class: 'chat-msg-time', dt: iso || null, dtStyle: iso && isToday(iso) ? 'time' : 'datetime' });
}

function setTime(el, iso) {
  if (!iso || el.getAttribute('datetime') === iso) return;
  el.setAttribute('datetime', iso);
  el.dataset.dt = isToday(iso) ? 'time' : 'datetime';
  renderDate(el);
}

/** Shows a chat error code in the page's #message region (the server's stable codes only). */
export function showChatError(code) {
  if (code === 'RATE_LIMITED') showMessage('error', 'error.RATE_LIMITED.later', null, code);
  else showMessage('error', errorKey(code), { code }, code);
}

/**
 * Builds the view. Options:
 *   client      ChatClient
 *   ids         {messages, composer, send, typing, seen}: element ids (kept stable for tests)
 *   typingKey   (name) → i18n key for "… is typing" ({name} argument)
 *   bannerFor   (thread) → i18n key of a notice above the log, or null
 *   emptyKey    i18n key shown while a thread has no messages
 * Returns {root, show(thread), thread(), focus(), refresh(), destroy()}.
 */
export function createThreadView({ client, ids, typingKey, bannerFor, emptyKey }) {
  let thread = null;
  let off = null;
  const rows = new Map(); // key ('s<seq>' or 'c<clientId>') → li
  const byClient = new Map(); // clientId → li of our own messages (reused when a message gets its seq)

  const banner = h('div', { class: 'chat-banner', role: 'status', hidden: true });
  const log = h('ol', {
    id: ids.messages, class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
    tabindex: '0', tattrs: { 'aria-label': 'chat.messagesLabel' },
  });
  const empty = h('p', { class: 'chat-empty', t: emptyKey, hidden: true });
  const typing = h('div', { id: ids.typing, class: 'chat-typing', 'aria-live': 'polite', hidden: true });
  const seen = h('p', { id: ids.seen, class: 'chat-seen', t: 'chat.seen', hidden: true });

  const hintId = `${ids.composer}-hint`;
  const counterId = `${ids.composer}-counter`;
  const composer = h('textarea', {
    id: ids.composer, class: 'chat-input', rows: '1', maxlength: String(MAX_TEXT), autocomplete: 'off',
    'aria-describedby': hintId, tattrs: { placeholder: 'chat.composer.placeholder' },
  });
  const send = h('button', { type: 'submit', id: ids.send, class: 'btn btn-primary chat-send', tattrs: { 'aria-label': 'chat.send' } },
    icon('send'), h('span', { class: 'chat-send-label', t: 'chat.send' }));
  const counter = h('p', { id: counterId, class: 'chat-counter', 'aria-live': 'polite', hidden: true });
  const form = h('form', { class: 'chat-composer', novalidate: true },
    h('label', { for: ids.composer, class: 'visually-hidden', t: 'chat.composer.label' }),
    h('div', { class: 'chat-composer-row' }, composer, send),
    h('p', { id: hintId, class: 'chat-hint', t: 'chat.composer.hint' }),
    counter);

  const root = h('div', { class: 'chat-thread' }, banner, h('div', { class: 'chat-log-wrap' }, log, empty), typing, form);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  composer.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  composer.addEventListener('input', () => {
    fit();
    updateCounter();
    if (thread) client.typingInput(thread, composer.value.trim().length > 0);
  });
  log.addEventListener('click', (ev) => {
    const btn = ev.target.closest('button[data-action]');
    if (!btn || !thread) return;
    const li = btn.closest('li');
    const clientId = li && li.dataset.clientId;
    if (!clientId) return;
    if (btn.dataset.action === 'retry') client.retry(thread, clientId);
    else if (btn.dataset.action === 'discard') client.discard(thread, clientId);
  });

  function submit() {
    if (!thread) return;
    const value = composer.value.trim();
    const check = checkText(value);
    if (!check.ok) {
      if (check.code === 'TOO_LONG') showMessage('error', 'chat.error.tooLong', { max: MAX_TEXT }, 'INVALID_INPUT');
      composer.focus();
      return;
    }
    client.sendText(thread, value);
    composer.value = '';
    fit();
    updateCounter();
    scrollToEnd();
    composer.focus();
  }

  function fit() {
    // Grows with its content up to MAX_ROWS lines (browsers with field-sizing do it in CSS).
    const lines = composer.value.split('\n').length;
    composer.rows = Math.max(1, Math.min(MAX_ROWS, lines));
  }

  function updateCounter() {
    const n = composer.value.length;
    if (n >= COUNTER_FROM) {
      counter.hidden = false;
      setText(counter, 'chat.counter', { count: n, max: MAX_TEXT });
      counter.classList.toggle('is-over', n > MAX_TEXT);
    } else if (!counter.hidden) {
      counter.hidden = true;
    }
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_BOTTOM_PX;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function show(next) {
    if (off) off();
    off = null;
    client.stopTyping();
    thread = next;
    rows.clear();
    byClient.clear();
    // A whole conversation appearing at once is not "new messages": keep the log quiet while it fills.
    log.setAttribute('aria-live', 'off');
    log.replaceChildren();
    if (thread) off = thread.onChange((what) => changed(what));
    render();
    scrollToEnd();
    setTimeout(() => log.setAttribute('aria-live', 'polite'), 0);
    if (thread) client.view(thread);
  }

  function changed(what) {
    if (what === 'typing') renderTyping();
    else if (what === 'read') renderSeen();
    else if (what === 'info') renderBanner();
    else render();
  }

  function render() {
    const stick = nearBottom();
    renderMessages();
    renderTyping();
    renderBanner();
    if (stick) scrollToEnd();
  }

  function renderMessages() {
    if (!thread) {
      log.replaceChildren();
      empty.hidden = true;
      return;
    }
    const { stored, local } = thread.ordered();
    const wanted = [];
    for (const m of stored) {
      const key = `s${m.seq}`;
      let li = rows.get(key);
      if (!li && m.senderId === client.myId && byClient.has(m.clientId)) {
        // Our own message got its seq: the same row, now "sent" (no second announcement).
        li = byClient.get(m.clientId);
        for (const [k, v] of rows) if (v === li) rows.delete(k);
        markStored(li, m);
      }
      if (!li) li = storedRow(m);
      rows.set(key, li);
      wanted.push(li);
    }
    for (const l of local) {
      const key = `c${l.clientId}`;
      let li = rows.get(key);
      if (!li) {
        li = localRow(l);
        rows.set(key, li);
        byClient.set(l.clientId, li);
      }
      updateLocal(li, l);
      wanted.push(li);
    }
    const keep = new Set(wanted);
    for (const [k, li] of rows) {
      if (!keep.has(li)) {
        rows.delete(k);
        li.remove();
      }
    }
    for (const [k, li] of byClient) if (!keep.has(li)) byClient.delete(k);
    // Put rows in order, moving only those that are out of place.
    let cursor = log.firstElementChild;
    for (const li of wanted) {
      if (li === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        log.insertBefore(li, cursor);
      }
    }
    empty.hidden = wanted.length > 0;
    renderSeen();
  }

  function isOwnSide(kind) {
    return kind === client.kind;
  }

  function baseRow({ kind, senderName, mine, createdAt, text }) {
    const own = isOwnSide(kind);
    const sender = h('span', { class: 'chat-msg-sender' });
    if (mine) setText(sender, 'chat.you');
    else sender.textContent = senderName || t(kind === 'VISITOR' ? 'chat.visitor' : 'chat.agent');
    const state = h('span', { class: 'chat-msg-state' });
    const body = h('div', { class: 'chat-bubble' });
    body.append(linkify(text || ''));
    return h('li', { class: ['chat-msg', own ? 'is-own' : 'is-other'], dataset: { senderKind: kind } },
      h('div', { class: 'chat-msg-meta' }, sender, timeEl(createdAt)),
      body,
      h('div', { class: 'chat-msg-foot' }, state));
  }

  function storedRow(m) {
    const li = baseRow({ kind: m.senderKind, senderName: m.senderName, mine: m.senderId === client.myId, createdAt: m.createdAt, text: m.body });
    li.dataset.seq = String(m.seq);
    li.dataset.state = 'sent';
    if (m.clientId) li.dataset.clientId = m.clientId;
    if (isOwnSide(m.senderKind)) setText(li.querySelector('.chat-msg-state'), 'chat.state.sent');
    return li;
  }

  function markStored(li, m) {
    li.dataset.seq = String(m.seq);
    li.dataset.state = 'sent';
    li.querySelector('.chat-msg-actions')?.remove();
    setText(li.querySelector('.chat-msg-state'), 'chat.state.sent');
    setTime(li.querySelector('time'), m.createdAt);
  }

  function localRow(l) {
    const li = baseRow({ kind: client.kind, mine: true, createdAt: l.createdAt, text: l.text });
    // No seq yet: the attribute is there (empty) so every message row matches li[data-seq].
    li.dataset.seq = '';
    li.dataset.clientId = l.clientId;
    return li;
  }

  function updateLocal(li, l) {
    if (li.dataset.state === l.state) return;
    li.dataset.state = l.state;
    const state = li.querySelector('.chat-msg-state');
    li.querySelector('.chat-msg-actions')?.remove();
    if (l.state === 'failed') {
      setText(state, 'chat.state.failed');
      li.querySelector('.chat-msg-foot').append(h('span', { class: 'chat-msg-actions' },
        h('button', { type: 'button', class: 'btn btn-link btn-small', dataset: { action: 'retry' }, t: 'chat.retry' }),
        h('button', { type: 'button', class: 'btn btn-link btn-small', dataset: { action: 'discard' }, t: 'chat.discard' })));
    } else {
      setText(state, 'chat.state.sending');
    }
  }

  function renderSeen() {
    for (const li of log.querySelectorAll('li.is-last-own')) li.classList.remove('is-last-own', 'is-seen');
    let lastOwn = null;
    if (thread && thread.local.size === 0) {
      const seq = thread.lastSeqOf(client.kind);
      if (seq > 0) lastOwn = rows.get(`s${seq}`) || null;
    }
    if (!lastOwn) {
      seen.hidden = true;
      if (seen.parentNode !== root) root.insertBefore(seen, typing);
      return;
    }
    lastOwn.classList.add('is-last-own');
    const isSeen = thread.otherReadSeq >= Number(lastOwn.dataset.seq);
    lastOwn.classList.toggle('is-seen', isSeen);
    if (seen.parentNode !== lastOwn) lastOwn.append(seen);
    seen.hidden = !isSeen;
  }

  function renderTyping() {
    const who = thread && thread.typing;
    if (!who) {
      typing.hidden = true;
      typing.textContent = '';
      delete typing.dataset.i18n;
      return;
    }
    const { key, args } = typingKey(who.name);
    setText(typing, key, args);
    typing.hidden = false;
  }

  function renderBanner() {
    const key = thread ? bannerFor(thread) : null;
    if (!key) {
      banner.hidden = true;
      return;
    }
    setText(banner, key);
    banner.hidden = false;
  }

  return {
    root,
    show,
    thread: () => thread,
    focus: () => composer.focus(),
    refresh: render,
    setEnabled(enabled) {
      composer.disabled = !enabled;
      send.disabled = !enabled;
    },
    destroy() {
      if (off) off();
      off = null;
      client.stopTyping();
      thread = null;
    },
  };
}

