// One conversation on screen: the message log (role=log, new messages announced), the "is typing"
// line, the "Seen" receipt under your last message, and the composer (Enter sends, Shift+Enter adds a
// line) with attachments: a file picker (and a camera button on touch screens), pasting an image, dropping
// files on the conversation, voice notes, and a tray of files on their way with progress, cancel, errors
// and retry. The console's composer can also write internal notes. Used by the visitor page and the
// console's Chats pane with different element ids. Messages show images, players and file chips
// (chat-media.js); a visitor's HIDDEN stand-ins for notes are never shown. In the console, "/" at the
// start of a word opens the team's canned replies (arrows choose, Enter or Tab inserts, Escape closes),
// and reveal(seq) scrolls to a message (a search hit, loading older pages until it is there) and marks it.
// A conversation opens at its newest page; "Load earlier messages" at the top of the log (or scrolling to
// the top) brings the page before it, keeping what is on screen where it was.
// Every name and message goes in through textContent; links are built with DOM APIs, http(s) only.

import { h, icon, renderDate, setText } from './dom.js';
import { hasKey, t } from './i18n.js';
import { checkText, isShown, MAX_TEXT } from './chat-client.js';
import { errorKey, showMessage } from './messages.js';
import { attachmentView, formatSize, mediaKind, openLightbox } from './chat-media.js';
import { ACCEPT, MAX_FILES_AT_ONCE } from './chat-upload.js';
import { recorderSupported, startRecording } from './chat-recorder.js';

/** Shown under the composer once a message gets this long. */
const COUNTER_FROM = MAX_TEXT - 500;
const MAX_ROWS = 6;
/** How close to the end (px) still counts as "reading the newest messages". */
const NEAR_BOTTOM_PX = 48;
/** Scrolling this close to the top (px) loads the page of older messages. */
const NEAR_TOP_PX = 80;
/** Holding the microphone button this long records until it is let go (a shorter press is a click). */
const HOLD_MS = 350;
const RECORDER_TICK_MS = 250;
/** A revealed message (search hit) stays marked this long. */
const REVEAL_MARK_MS = 4000;
/** "/shortcut" right before the caret, at the start or after white space (the shortcut may be empty). */
const CANNED_TRIGGER = /(^|\s)\/([\p{L}\p{N}_-]{0,32})$/u;
const CANNED_PREVIEW_MAX = 120;

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

/** What a failed upload says: a sentence per stable code, with the wait when the server gave one. */
function uploadError(item) {
  if (item.code === 'RATE_LIMITED' && item.retryAfter) return { key: 'chat.upload.error.RATE_LIMITED.wait', args: { seconds: item.retryAfter } };
  const key = `chat.upload.error.${item.code}`;
  return hasKey(key) ? { key } : { key: 'chat.upload.error.generic', args: { code: item.code } };
}

/** Upload errors about the file or the conversation, which the same upload cannot get past. */
const FINAL_UPLOAD_ERRORS = new Set(['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'INVALID_INPUT', 'NOT_FOUND']);

function elapsedText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Builds the view. Options:
 *   client      ChatClient
 *   ids         {messages, composer, send, typing, seen}: element ids (kept stable for tests); the
 *               composer's other controls get ids starting with ids.composer (-file, -attach, -record …)
 *   typingKey   (name) → i18n key for "… is typing" ({name} argument)
 *   bannerFor   (thread) → i18n key of a notice above the log, or null
 *   emptyKey    i18n key shown while a thread has no messages
 *   media       createMediaCache(): downloads of attachments (object URLs revoked when the thread changes)
 *   uploads     Uploads (chat-upload.js) or null: attachments can be sent
 *   notes       true: the composer can write internal notes (console)
 *   canned      {match(typed) → [{id, shortcut, body}], onChange(fn) → off} or null: "/shortcut" suggestions
 * Returns {root, show(thread), thread(), focus(), refresh(), reveal(seq), destroy()}.
 */
export function createThreadView({ client, ids, typingKey, bannerFor, emptyKey, media, uploads = null, notes = false, canned = null }) {
  let thread = null;
  let off = null;
  let offTray = null;
  let noteMode = false;
  let enabled = true;
  let recording = null; // {rec, timer, hold} while a voice note records; {starting: true} while asking
  let closeLightbox = null;
  const rows = new Map(); // key ('s<seq>' or 'c<clientId>') → li
  const byClient = new Map(); // clientId → li of our own messages (reused when a message gets its seq)
  const trayRows = new Map(); // upload key → li
  const cid = (name) => `${ids.composer}-${name}`;
  let sug = null; // open canned-reply suggestions: {start, end, items, index}
  let revealSeq = 0; // a message to scroll to once it is shown
  let revealTimer = null;
  let offCanned = null;

  const banner = h('div', { class: 'chat-banner', role: 'status', hidden: true });
  const log = h('ol', {
    id: ids.messages, class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
    tabindex: '0', tattrs: { 'aria-label': 'chat.messagesLabel' },
  });
  const empty = h('p', { class: 'chat-empty', t: emptyKey, hidden: true });
  // The first row of the log: the way to the page before the loaded ones (hidden when there is none).
  const olderBtn = h('button', { type: 'button', id: `${ids.messages}-older`, class: 'btn btn-secondary btn-small chat-older-btn', t: 'chat.older.load' });
  const olderRow = h('li', { class: 'chat-older', hidden: true }, olderBtn);
  const typing = h('div', { id: ids.typing, class: 'chat-typing', 'aria-live': 'polite', hidden: true });
  const seen = h('p', { id: ids.seen, class: 'chat-seen', t: 'chat.seen', hidden: true });

  const hintId = `${ids.composer}-hint`;
  const counterId = `${ids.composer}-counter`;
  const composer = h('textarea', {
    id: ids.composer, class: 'chat-input', rows: '1', maxlength: String(MAX_TEXT), autocomplete: 'off',
    'aria-describedby': hintId, tattrs: { placeholder: 'chat.composer.placeholder' },
  });
  const suggestId = cid('canned');
  const suggest = canned
    ? h('ul', { id: suggestId, class: 'chat-canned', role: 'listbox', hidden: true, tattrs: { 'aria-label': 'chat.canned.label' } })
    : null;
  const suggestStatus = canned ? h('p', { class: 'visually-hidden', role: 'status' }) : null;
  if (canned) {
    composer.setAttribute('aria-autocomplete', 'list');
    composer.setAttribute('aria-controls', suggestId);
    composer.setAttribute('aria-expanded', 'false');
  }
  const sendLabel = h('span', { class: 'chat-send-label', t: 'chat.send' });
  const send = h('button', { type: 'submit', id: ids.send, class: 'btn btn-primary chat-send', tattrs: { 'aria-label': 'chat.send' } },
    icon('send'), sendLabel);
  const counter = h('p', { id: counterId, class: 'chat-counter', 'aria-live': 'polite', hidden: true });

  // Attachments: hidden file inputs opened by their buttons (tests give files to the inputs directly).
  const fileInput = h('input', { type: 'file', id: cid('file'), class: 'visually-hidden', multiple: true, accept: ACCEPT, tabindex: '-1', 'aria-hidden': 'true' });
  const photoInput = h('input', { type: 'file', id: cid('photo-file'), class: 'visually-hidden', accept: 'image/*', capture: 'environment', tabindex: '-1', 'aria-hidden': 'true' });
  const attachBtn = h('button', { type: 'button', id: cid('attach'), class: 'btn-icon chat-tool', tattrs: { 'aria-label': 'chat.attach', title: 'chat.attach' } }, icon('paperclip'));
  const photoBtn = h('button', { type: 'button', id: cid('photo'), class: 'btn-icon chat-tool chat-tool-photo', tattrs: { 'aria-label': 'chat.photo', title: 'chat.photo' } }, icon('camera'));
  const recordBtn = h('button', { type: 'button', id: cid('record'), class: 'btn-icon chat-tool chat-tool-record', tattrs: { 'aria-label': 'chat.voice.record', title: 'chat.voice.recordHint' } }, icon('mic'));
  const noteBtn = notes
    ? h('button', { type: 'button', id: cid('note'), class: 'btn btn-secondary btn-small chat-note-toggle', 'aria-pressed': 'false' },
      icon('note'), h('span', { t: 'chat.note.toggle' }))
    : null;
  const attachHint = h('p', { id: cid('attach-hint'), class: 'chat-attach-hint', hidden: true });
  const tools = h('div', { class: 'chat-composer-tools' },
    uploads ? [attachBtn, photoBtn, recordBtn, fileInput, photoInput] : null,
    noteBtn,
    h('p', { id: hintId, class: 'chat-hint', t: 'chat.composer.hint' }));
  const noteBanner = h('p', { id: cid('note-banner'), class: 'chat-note-banner', hidden: true }, icon('note'), h('span', { t: 'chat.note.banner' }));
  const tray = h('ul', { id: cid('tray'), class: 'chat-tray', hidden: true, tattrs: { 'aria-label': 'chat.tray.label' } });
  const recTime = h('span', { id: cid('rec-time'), class: 'chat-rec-time', role: 'timer', text: '0:00' });
  const recCancel = h('button', { type: 'button', id: cid('rec-cancel'), class: 'btn btn-secondary btn-small', t: 'chat.voice.cancel' });
  const recSend = h('button', { type: 'button', id: cid('rec-send'), class: 'btn btn-primary btn-small' }, icon('send'), h('span', { t: 'chat.voice.send' }));
  const recorder = h('div', { id: cid('recorder'), class: 'chat-recorder', role: 'group', hidden: true, tattrs: { 'aria-label': 'chat.voice.label' } },
    h('span', { class: 'chat-rec-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'chat-rec-label', t: 'chat.voice.recording' }),
    recTime,
    h('span', { class: 'chat-rec-actions' }, recCancel, recSend));
  const row = h('div', { class: 'chat-composer-row' }, composer, send);
  const form = h('form', { class: 'chat-composer', novalidate: true },
    h('label', { for: ids.composer, class: 'visually-hidden', t: 'chat.composer.label' }),
    suggest,
    suggestStatus,
    tray,
    noteBanner,
    recorder,
    row,
    tools,
    attachHint,
    counter);

  const dropHint = h('div', { class: 'chat-drop-hint', 'aria-hidden': 'true' }, icon('paperclip'), h('span', { t: 'chat.drop' }));
  const root = h('div', { class: 'chat-thread' }, banner, h('div', { class: 'chat-log-wrap' }, log, empty, dropHint), typing, form);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  composer.addEventListener('keydown', (ev) => {
    if (suggestionKey(ev)) return;
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  composer.addEventListener('input', () => {
    fit();
    updateCounter();
    updateSuggestions();
    // Writing a note is nothing the visitor should hear about.
    if (thread) client.typingInput(thread, !noteMode && composer.value.trim().length > 0);
  });
  composer.addEventListener('paste', (ev) => {
    const data = ev.clipboardData;
    if (!data || !uploads) return;
    const files = [...data.files];
    // A copied picture attaches; copied text (even with a picture of it, as office programs offer) pastes.
    if (files.length === 0 || [...data.types].includes('text/plain')) return;
    ev.preventDefault();
    addFiles(files);
  });
  if (uploads) wireAttachments();
  if (canned) wireCanned();
  if (noteBtn) noteBtn.addEventListener('click', () => setNoteMode(!noteMode, { focus: true }));
  olderBtn.addEventListener('click', () => loadOlder());
  log.addEventListener('scroll', () => {
    if (log.scrollTop < NEAR_TOP_PX && log.scrollHeight > log.clientHeight) loadOlder();
  }, { passive: true });
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
    if (!thread || !enabled) return;
    const value = composer.value.trim();
    const check = checkText(value);
    if (check.code === 'TOO_LONG') {
      showMessage('error', 'chat.error.tooLong', { max: MAX_TEXT }, 'INVALID_INPUT');
      composer.focus();
      return;
    }
    if (!noteMode && uploads && thread.id && uploads.hasSendable(thread)) {
      uploads.sendAll(thread, value); // the text is the caption of the first file
    } else if (!check.ok) {
      composer.focus();
      return;
    } else {
      client.sendText(thread, value, { internal: noteMode });
    }
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
    if (offTray) offTray();
    offTray = null;
    cancelRecording();
    if (closeLightbox) closeLightbox();
    if (media) media.clear();
    client.stopTyping();
    const changedThread = next !== thread;
    closeSuggestions();
    if (changedThread) clearReveal();
    thread = next;
    // A reply is the default in every conversation: a note is chosen each time.
    if (changedThread && noteMode) setNoteMode(false);
    rows.clear();
    byClient.clear();
    trayRows.clear();
    tray.replaceChildren();
    // A whole conversation appearing at once is not "new messages": keep the log quiet while it fills.
    log.setAttribute('aria-live', 'off');
    log.replaceChildren(olderRow);
    if (thread) off = thread.onChange((what) => changed(what));
    if (thread && uploads) offTray = uploads.onChange(thread, () => renderTray());
    render();
    renderTray();
    scrollToEnd();
    setTimeout(() => log.setAttribute('aria-live', 'polite'), 0);
    if (thread) client.view(thread);
  }

  function changed(what) {
    if (what === 'older') renderOlder();
    else if (what === 'typing') renderTyping();
    else if (what === 'read') renderSeen();
    else if (what === 'info') renderBanner();
    else render();
  }

  function render() {
    const stick = nearBottom();
    // Rows added above (an older page) must not move what the reader is looking at.
    const anchor = stick ? null : olderRow.nextElementSibling;
    const anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
    renderMessages();
    renderOlder();
    renderTyping();
    renderBanner();
    renderTools();
    if (revealSeq) revealNow();
    else if (stick) scrollToEnd();
    else if (anchor && anchor.isConnected) log.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
  }

  // --- older pages ---

  function loadOlder() {
    if (!thread || !client.loadOlder(thread)) return;
    // Earlier messages filling in above are not news: keep the log quiet until they are shown.
    log.setAttribute('aria-live', 'off');
  }

  function renderOlder() {
    const more = Boolean(thread && thread.id && thread.hasOlder());
    olderRow.hidden = !more;
    const loading = more && Boolean(thread.loadingOlder);
    olderBtn.disabled = loading;
    olderBtn.setAttribute('aria-busy', String(loading));
    const key = loading ? 'chat.older.loading' : 'chat.older.load';
    if (olderBtn.dataset.i18n !== key) setText(olderBtn, key);
    if (!loading && log.getAttribute('aria-live') === 'off' && olderRow.isConnected) {
      setTimeout(() => log.setAttribute('aria-live', 'polite'), 0);
    }
  }

  // --- revealing a message (a search hit) ---

  function reveal(seq) {
    clearReveal();
    revealSeq = Number(seq) || 0;
    if (revealSeq) revealNow();
  }

  function revealNow() {
    const li = rows.get(`s${revealSeq}`);
    if (!li) {
      // Not here yet: older than the loaded pages (load the one before), or the sync brings it; render()
      // tries again.
      if (thread && thread.floor && revealSeq < thread.floor) client.loadOlder(thread);
      return;
    }
    revealSeq = 0;
    for (const old of log.querySelectorAll('li.is-hit')) old.classList.remove('is-hit');
    li.classList.add('is-hit');
    li.scrollIntoView({ block: 'center' });
    revealTimer = setTimeout(() => li.classList.remove('is-hit'), REVEAL_MARK_MS);
  }

  function clearReveal() {
    revealSeq = 0;
    clearTimeout(revealTimer);
    revealTimer = null;
  }

  // --- canned replies ---

  function wireCanned() {
    composer.addEventListener('click', () => updateSuggestions());
    composer.addEventListener('keyup', (ev) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(ev.key)) updateSuggestions();
    });
    composer.addEventListener('blur', () => closeSuggestions());
    // A press on a suggestion must not take focus from the composer (which would close the list).
    suggest.addEventListener('mousedown', (ev) => ev.preventDefault());
    suggest.addEventListener('click', (ev) => {
      const li = ev.target.closest('li[data-index]');
      if (li) insertCanned(Number(li.dataset.index));
    });
    offCanned = canned.onChange(() => {
      if (sug) updateSuggestions();
    });
  }

  /** The "/shortcut" being typed right before the caret, or null. */
  function cannedQuery() {
    if (!canned || document.activeElement !== composer) return null;
    const caret = composer.selectionStart;
    if (caret !== composer.selectionEnd) return null;
    const m = CANNED_TRIGGER.exec(composer.value.slice(0, caret));
    if (!m) return null;
    // The caret must end the word ("/mer|haba" is not a shortcut being typed).
    const next = composer.value.charAt(caret);
    if (next && !/\s/.test(next)) return null;
    return { start: caret - m[2].length - 1, end: caret, typed: m[2] };
  }

  function updateSuggestions() {
    if (!canned) return;
    const q = cannedQuery();
    const items = q ? canned.match(q.typed) : [];
    if (!q || items.length === 0) {
      closeSuggestions();
      return;
    }
    const before = sug && sug.items[sug.index];
    let index = before ? items.findIndex((r) => r.id === before.id) : 0;
    if (index < 0) index = 0;
    const countChanged = !sug || sug.items.length !== items.length;
    sug = { ...q, items, index };
    renderSuggestions();
    if (countChanged) setText(suggestStatus, 'chat.canned.count', { count: items.length });
  }

  function renderSuggestions() {
    suggest.replaceChildren(...sug.items.map((r, i) => {
      const body = r.body.length > CANNED_PREVIEW_MAX ? `${r.body.slice(0, CANNED_PREVIEW_MAX)}…` : r.body;
      return h('li', {
        id: `${suggestId}-${i}`, role: 'option', class: 'chat-canned-item', 'aria-selected': String(i === sug.index),
        dataset: { index: i, shortcut: r.shortcut },
      },
      h('span', { class: 'chat-canned-shortcut', text: `/${r.shortcut}` }),
      h('span', { class: 'chat-canned-body', text: body }));
    }));
    suggest.hidden = false;
    composer.setAttribute('aria-expanded', 'true');
    composer.setAttribute('aria-activedescendant', `${suggestId}-${sug.index}`);
    const current = suggest.children[sug.index];
    if (current) current.scrollIntoView({ block: 'nearest' });
  }

  function closeSuggestions() {
    if (!suggest) return;
    sug = null;
    suggest.hidden = true;
    suggest.replaceChildren();
    composer.setAttribute('aria-expanded', 'false');
    composer.removeAttribute('aria-activedescendant');
  }

  /** Handles a key while suggestions are open; true when it was theirs. */
  function suggestionKey(ev) {
    if (!sug || ev.isComposing || ev.altKey || ev.ctrlKey || ev.metaKey) return false;
    const n = sug.items.length;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      sug.index = (sug.index + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n;
      renderSuggestions();
      return true;
    }
    if ((ev.key === 'Enter' || ev.key === 'Tab') && !ev.shiftKey) {
      ev.preventDefault();
      insertCanned(sug.index);
      return true;
    }
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation(); // inside a dialog or the widget, Escape closes only the list
      closeSuggestions();
      return true;
    }
    return false;
  }

  /** Puts the reply's text in place of the "/shortcut" typed. */
  function insertCanned(i) {
    if (!sug || !sug.items[i]) return;
    const { start, end } = sug;
    const body = sug.items[i].body;
    closeSuggestions();
    const v = composer.value;
    composer.value = v.slice(0, start) + body + v.slice(end);
    const caret = start + body.length;
    composer.focus();
    composer.setSelectionRange(caret, caret);
    fit();
    updateCounter();
    if (thread) client.typingInput(thread, !noteMode && composer.value.trim().length > 0);
  }

  // --- attachments ---

  /** Why files cannot be attached right now (an i18n key), or null when they can. */
  function attachBlocker() {
    if (!uploads || !thread) return 'chat.attach.unavailable';
    if (!thread.id) return 'chat.attach.afterFirst';
    if (noteMode) return 'chat.note.noAttachments';
    if (!enabled) return 'chat.attach.unavailable';
    return null;
  }

  function renderTools() {
    if (!uploads) return;
    const blocker = attachBlocker();
    const busy = Boolean(recording);
    attachBtn.disabled = Boolean(blocker) || busy;
    photoBtn.disabled = Boolean(blocker) || busy;
    recordBtn.disabled = Boolean(blocker) || busy || !recorderSupported();
    // Before the first message (a visitor's new conversation) say why the buttons are off.
    const explain = thread && !thread.id ? 'chat.attach.afterFirst' : null;
    attachHint.hidden = !explain;
    if (explain) setText(attachHint, explain);
    for (const b of [attachBtn, photoBtn, recordBtn]) {
      if (explain) b.setAttribute('aria-describedby', attachHint.id);
      else b.removeAttribute('aria-describedby');
    }
  }

  function wireAttachments() {
    attachBtn.addEventListener('click', () => fileInput.click());
    photoBtn.addEventListener('click', () => photoInput.click());
    for (const input of [fileInput, photoInput]) {
      input.addEventListener('change', () => {
        const files = [...(input.files || [])];
        input.value = '';
        if (files.length) addFiles(files);
      });
    }
    // Files dropped anywhere on the conversation attach to it.
    let depth = 0;
    const hasFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
    root.addEventListener('dragenter', (ev) => {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      depth += 1;
      root.classList.add('is-dropping');
    });
    root.addEventListener('dragover', (ev) => {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = attachBlocker() ? 'none' : 'copy';
    });
    root.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) root.classList.remove('is-dropping');
    });
    root.addEventListener('drop', (ev) => {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      depth = 0;
      root.classList.remove('is-dropping');
      addFiles([...ev.dataTransfer.files]);
    });
    tray.addEventListener('click', (ev) => {
      const btn = ev.target.closest('button[data-action]');
      const li = btn && btn.closest('li[data-key]');
      if (!li || !thread) return;
      const key = li.dataset.key;
      if (btn.dataset.action === 'cancel') {
        // Focus stays in the composer rather than vanishing with the row.
        uploads.cancel(thread, key);
        composer.focus();
      } else if (btn.dataset.action === 'retry') {
        uploads.retry(thread, key);
      }
    });
    // A click starts recording (cancel or send in the recorder bar); holding the button (mouse or finger)
    // records until it is let go, and the click that ends the hold is not a second start.
    let holdTimer = null;
    let suppressClick = false;
    recordBtn.addEventListener('click', () => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      if (!recording) beginRecording({ hold: false });
    });
    recordBtn.addEventListener('pointerdown', (ev) => {
      suppressClick = false;
      if (ev.button !== 0 || recording || recordBtn.disabled) return;
      clearTimeout(holdTimer);
      holdTimer = setTimeout(() => {
        holdTimer = null;
        suppressClick = true;
        beginRecording({ hold: true });
      }, HOLD_MS);
      const up = () => {
        document.removeEventListener('pointerup', up);
        document.removeEventListener('pointercancel', up);
        if (holdTimer) {
          clearTimeout(holdTimer); // a short press: the click that follows starts recording
          holdTimer = null;
          return;
        }
        if (recording && recording.hold) finishRecording();
        else if (recording && recording.starting) recording.releasedEarly = true;
      };
      document.addEventListener('pointerup', up);
      document.addEventListener('pointercancel', up);
    });
    recordBtn.addEventListener('contextmenu', (ev) => ev.preventDefault());
    recCancel.addEventListener('click', () => {
      cancelRecording();
      recordBtn.focus();
    });
    recSend.addEventListener('click', () => finishRecording());
    recorder.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape') return;
      ev.stopPropagation(); // inside the widget, Escape would otherwise close the whole panel
      cancelRecording();
      recordBtn.focus();
    });
  }

  function addFiles(files) {
    const blocker = attachBlocker();
    if (blocker) {
      showMessage('info', blocker);
      return;
    }
    if (files.length > MAX_FILES_AT_ONCE) showMessage('info', 'chat.attach.tooMany', { max: MAX_FILES_AT_ONCE });
    for (const file of files.slice(0, MAX_FILES_AT_ONCE)) uploads.add(thread, file);
    composer.focus();
  }

  function renderTray() {
    const items = thread && uploads ? uploads.items(thread) : [];
    const wanted = items.map((item) => {
      let li = trayRows.get(item.key);
      if (!li) {
        li = trayRow(item);
        trayRows.set(item.key, li);
      }
      updateTrayRow(li, item);
      return li;
    });
    const keep = new Set(wanted);
    for (const [k, li] of trayRows) {
      if (!keep.has(li)) {
        trayRows.delete(k);
        li.remove();
      }
    }
    let cursor = tray.firstElementChild;
    for (const li of wanted) {
      if (li === cursor) cursor = cursor.nextElementSibling;
      else tray.insertBefore(li, cursor);
    }
    tray.hidden = wanted.length === 0;
  }

  function trayRow(item) {
    const kind = item.voice ? 'audio' : mediaKind(item.type);
    const name = h('span', { class: 'chat-tray-name' });
    if (item.voice) setText(name, 'chat.voice.note');
    else name.textContent = item.name || 'file';
    return h('li', { class: 'chat-tray-item', dataset: { key: item.key } },
      h('span', { class: 'chat-tray-icon' }, icon(kind === 'audio' ? 'mic' : kind === 'image' ? 'camera' : 'file')),
      h('span', { class: 'chat-tray-main' },
        h('span', { class: 'chat-tray-top' }, name, h('span', { class: 'chat-tray-size', text: formatSize(item.size) })),
        h('progress', { class: 'chat-tray-progress', max: '100', value: '0', tattrs: { 'aria-label': 'chat.upload.progressLabel' } }),
        // Announced when the state changes (not at every percent, which only the bar and number show).
        h('span', { class: 'chat-tray-line' },
          h('span', { class: 'chat-tray-status', role: 'status' }),
          h('span', { class: 'chat-tray-percent', 'aria-hidden': 'true' })),
        h('button', { type: 'button', class: 'btn btn-link btn-small chat-tray-retry', dataset: { action: 'retry' }, t: 'chat.retry', hidden: true })),
      h('button', { type: 'button', class: 'btn-icon chat-tray-cancel', dataset: { action: 'cancel' } }, icon('close')));
  }

  function updateTrayRow(li, item) {
    const state = item.state === 'ready' && item.send ? 'sending' : item.state;
    const progress = li.querySelector('progress');
    const status = li.querySelector('.chat-tray-status');
    const percent = item.size > 0 ? Math.min(100, Math.round((item.loaded / item.size) * 100)) : 0;
    progress.hidden = state !== 'uploading';
    progress.value = percent;
    const percentEl = li.querySelector('.chat-tray-percent');
    percentEl.textContent = state === 'uploading' ? `${percent}%` : '';
    const statusKey = state === 'uploading' ? (item.send ? 'chat.upload.sendingWhenDone' : 'chat.upload.progress') : null;
    if (li.dataset.state !== state || (statusKey && status.dataset.i18n !== statusKey)) {
      if (state === 'uploading') setText(status, statusKey);
      else if (state === 'ready') setText(status, 'chat.upload.ready');
      else if (state === 'sending') setText(status, 'chat.state.sending');
      else {
        const { key, args } = uploadError(item);
        setText(status, key, args);
      }
    }
    li.dataset.state = state;
    if (item.code) li.dataset.code = item.code;
    else delete li.dataset.code;
    // Trying the same bytes again helps only when the failure was not about the file itself.
    li.querySelector('.chat-tray-retry').hidden = state !== 'failed' || FINAL_UPLOAD_ERRORS.has(item.code);
    const cancel = li.querySelector('.chat-tray-cancel');
    const label = state === 'uploading' ? 'chat.upload.cancel' : 'chat.upload.remove';
    if (cancel.dataset.label !== label) {
      cancel.dataset.label = label;
      cancel.setAttribute('aria-label', t(label, { name: item.voice ? t('chat.voice.note') : item.name }));
      cancel.title = t(label, { name: item.voice ? t('chat.voice.note') : item.name });
    }
  }

  // --- voice notes ---

  async function beginRecording({ hold }) {
    if (recording || attachBlocker()) return;
    const forThread = thread;
    const attempt = { starting: true, hold };
    recording = attempt;
    recordBtn.setAttribute('aria-busy', 'true');
    renderTools();
    let rec;
    try {
      rec = await startRecording({ onEnd: () => finishRecording() });
    } catch (err) {
      if (recording !== attempt) return;
      recording = null;
      recordBtn.removeAttribute('aria-busy');
      renderTools();
      showMessage('error', `chat.voice.error.${err.code || 'MIC_FAILED'}`, null, err.code || 'MIC_FAILED');
      return;
    }
    if (recording !== attempt || thread !== forThread) {
      // Cancelled, or another conversation shown, while the browser asked for the microphone.
      rec.cancel();
      if (recording === attempt) endRecordingUi();
      return;
    }
    recordBtn.removeAttribute('aria-busy');
    const releasedEarly = attempt.releasedEarly === true;
    recording = { rec, hold: hold && !releasedEarly, timer: setInterval(tick, RECORDER_TICK_MS) };
    recTime.textContent = '0:00';
    recorder.hidden = false;
    row.hidden = true;
    form.classList.add('is-recording');
    renderTools();
    if (!recording.hold) recSend.focus();
  }

  function tick() {
    if (recording && recording.rec) recTime.textContent = elapsedText(Date.now() - recording.rec.startedAt);
  }

  function endRecordingUi() {
    if (recording && recording.timer) clearInterval(recording.timer);
    recording = null;
    recordBtn.removeAttribute('aria-busy');
    recorder.hidden = true;
    row.hidden = false;
    form.classList.remove('is-recording');
    renderTools();
  }

  function cancelRecording() {
    if (!recording) return;
    if (recording.rec) recording.rec.cancel();
    endRecordingUi(); // one still asking for the microphone is dropped once the answer comes
  }

  async function finishRecording() {
    if (!recording || !recording.rec) return;
    const { rec } = recording;
    const forThread = thread;
    endRecordingUi();
    composer.focus();
    try {
      const { blob, name } = await rec.stop();
      if (forThread && forThread.id) uploads.add(forThread, blob, { name, send: true, voice: true });
    } catch (err) {
      showMessage('error', `chat.voice.error.${err.code || 'MIC_FAILED'}`, null, err.code || 'MIC_FAILED');
    }
  }

  // --- internal notes ---

  function setNoteMode(on, { focus = false } = {}) {
    if (!noteBtn) return;
    noteMode = Boolean(on);
    noteBtn.setAttribute('aria-pressed', String(noteMode));
    form.classList.toggle('is-note', noteMode);
    noteBanner.hidden = !noteMode;
    composer.dataset.i18nAttr = `placeholder=${noteMode ? 'chat.note.placeholder' : 'chat.composer.placeholder'}`;
    composer.setAttribute('placeholder', t(noteMode ? 'chat.note.placeholder' : 'chat.composer.placeholder'));
    setText(sendLabel, noteMode ? 'chat.note.add' : 'chat.send');
    send.dataset.i18nAttr = `aria-label=${noteMode ? 'chat.note.add' : 'chat.send'}`;
    send.setAttribute('aria-label', t(noteMode ? 'chat.note.add' : 'chat.send'));
    if (noteMode) client.stopTyping();
    renderTools();
    if (focus) composer.focus();
  }

  function renderMessages() {
    if (!thread) {
      log.replaceChildren(olderRow);
      empty.hidden = true;
      return;
    }
    const { stored, local } = thread.ordered();
    const wanted = [];
    for (const m of stored) {
      if (!isShown(m)) continue; // a visitor's stand-in for an internal note
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
    // Put rows in order after the "load earlier" row, moving only those that are out of place.
    if (olderRow.parentNode !== log || log.firstElementChild !== olderRow) log.prepend(olderRow);
    let cursor = olderRow.nextElementSibling;
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

  function openImage(info, button) {
    if (closeLightbox) closeLightbox();
    const close = openLightbox(info, media, button);
    closeLightbox = () => {
      closeLightbox = null;
      close();
    };
  }

  function baseRow({ kind, senderName, mine, createdAt, text, attachment, note }) {
    const own = isOwnSide(kind);
    const sender = h('span', { class: 'chat-msg-sender' });
    if (mine) setText(sender, 'chat.you');
    else sender.textContent = senderName || t(kind === 'VISITOR' ? 'chat.visitor' : 'chat.agent');
    const state = h('span', { class: 'chat-msg-state' });
    const body = h('div', { class: ['chat-bubble', attachment && 'has-attachment'] });
    if (note) body.append(h('span', { class: 'chat-note-label' }, icon('note'), h('span', { t: 'chat.note.label' })));
    if (attachment) {
      body.append(attachmentView(attachment, { media, onImage: openImage }));
      if (text) body.append(h('div', { class: 'chat-caption' }, linkify(text)));
    } else {
      body.append(linkify(text || ''));
    }
    const messageKind = note ? 'NOTE' : attachment ? 'ATTACHMENT' : 'TEXT';
    return h('li', { class: ['chat-msg', own ? 'is-own' : 'is-other', note && 'is-note'], dataset: { senderKind: kind, kind: messageKind } },
      h('div', { class: 'chat-msg-meta' }, sender, timeEl(createdAt)),
      body,
      h('div', { class: 'chat-msg-foot' }, state));
  }

  function storedRow(m) {
    const li = baseRow({
      kind: m.senderKind, senderName: m.senderName, mine: m.senderId === client.myId, createdAt: m.createdAt, text: m.body,
      attachment: m.attachment || null, note: m.kind === 'NOTE',
    });
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
    const li = baseRow({ kind: client.kind, mine: true, createdAt: l.createdAt, text: l.text, attachment: l.attachment, note: l.internal });
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
    reveal,
    setEnabled(on) {
      enabled = Boolean(on);
      composer.disabled = !enabled;
      send.disabled = !enabled;
      if (noteBtn) noteBtn.disabled = !enabled;
      if (!enabled) cancelRecording();
      renderTools();
    },
    destroy() {
      if (off) off();
      off = null;
      if (offCanned) offCanned();
      offCanned = null;
      closeSuggestions();
      clearReveal();
      if (offTray) offTray();
      offTray = null;
      cancelRecording();
      if (closeLightbox) closeLightbox();
      if (media) media.clear();
      client.stopTyping();
      thread = null;
    },
  };
}

