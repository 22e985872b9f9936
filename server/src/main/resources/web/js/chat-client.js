// Live chat over the /ws socket, shared by the visitor page and the console: threads merged by sequence
// number (a message is never shown twice), an outbox of unacknowledged messages kept in localStorage and
// resent with the same clientId after a reconnect (the server deduplicates), sync after every
// (re)connect, typing indicators and read receipts. No DOM here: views subscribe to threads.
// A thread holds a window of its conversation: opening it loads the newest page (chat.sync with
// beforeSeq), loadOlder() pages back from the window's lowest seq, and every (re)connect asks forward from
// the window's highest gap-free seq (chat.sync with afterSeq), so nothing is missed and nothing doubled.
//
// Frames (see docs/architecture.md, "Live chat"): chat.start, chat.send, chat.sync, chat.typing, chat.read
// go out; chat.ack, chat.message, chat.history, chat.typing, chat.read, chat.conversation and error come in.
// A message is TEXT, ATTACHMENT (uploaded first, see chat-upload.js; the text is its caption), NOTE (an
// agents-only internal note) or HIDDEN (what a visitor gets in a note's place: stored here so sequence
// numbers stay gap-free, never shown).

export const MAX_TEXT = 4000;
/** An unacknowledged message is sent again after this long (same clientId, so no duplicate). */
const RESEND_AFTER_MS = 10000;
const RESEND_CHECK_MS = 5000;
/** Outgoing typing: at most one "typing" frame this often, and "stopped" after this much idleness. */
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 5000;
/** Incoming typing: hidden when no new frame arrived for this long. */
const TYPING_SHOW_MS = 6000;
/** A sync without an answer for this long may be asked again. */
const SYNC_TIMEOUT_MS = 15000;
/** beforeSeq of the first page of a conversation: above any seq, so the server answers its newest page. */
const NEWEST = Number.MAX_SAFE_INTEGER;
/** Outbox entries older than this are dropped on load (the text is shown as failed instead). */
const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Error codes after which resending the same frame cannot succeed. */
const PERMANENT = new Set(['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'MALFORMED_FRAME', 'UNKNOWN_TYPE', 'FRAME_TOO_LARGE']);

const ID_CHARS = /^[A-Za-z0-9_-]{1,64}$/;

/** Kinds of stored messages that are not shown to the other side of the conversation. */
const NOT_FOR_THE_OTHER_SIDE = new Set(['NOTE', 'HIDDEN']);

/** Whether a stored message has something to show (a visitor's HIDDEN stand-ins have not). */
export function isShown(message) {
  return message.kind !== 'HIDDEN';
}

/** An attachment description from the server or the outbox, or null when it does not look like one. */
function attachmentOf(a) {
  if (!a || typeof a !== 'object' || typeof a.id !== 'string' || !ID_CHARS.test(a.id)) return null;
  return {
    id: a.id,
    name: typeof a.name === 'string' ? a.name : '',
    contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
    size: Number.isFinite(a.size) ? a.size : 0,
    width: Number.isFinite(a.width) ? a.width : null,
    height: Number.isFinite(a.height) ? a.height : null,
    thumbnail: a.thumbnail === true,
  };
}

/** A client id for one message: a random UUID (letters, digits and dashes). */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The characters a message body may have on the wire are any; only its length is limited. */
export function checkText(text) {
  const trimmed = text.replace(/^\s+|\s+$/g, '');
  if (!trimmed) return { ok: false, code: 'EMPTY' };
  if (text.length > MAX_TEXT) return { ok: false, code: 'TOO_LONG' };
  return { ok: true, text };
}

/** What a view shows of an unacknowledged message. */
function localOf(entry, state) {
  return {
    clientId: entry.clientId, text: entry.text, attachment: entry.attachment || null, internal: entry.internal === true,
    createdAt: entry.createdAt, state,
  };
}

/**
 * One conversation as this client knows it. `id` is null for a visitor's conversation that is not
 * started yet (its first message is on the way). Views listen with onChange(fn) → unsubscribe.
 */
export class Thread {
  constructor(id) {
    this.id = id;
    this.messages = new Map(); // seq → message
    this.local = new Map(); // clientId → {clientId, text, attachment, internal, createdAt, state: 'sending'|'failed', code}
    this.floor = 0; // lowest seq of the loaded window; 0 until a first page (or seq 1) arrived
    this.contiguous = 0; // every seq in floor..contiguous is present
    this.oldestReached = false; // a page back said nothing older remains
    this.loadingOlder = 0; // time a page of older messages was asked, 0 when none
    this.maxSeq = 0;
    this.otherReadSeq = 0; // how far the other side has read
    this.readSent = 0; // how far this client said it has read
    this.typing = null; // {name, partyId} while the other side types
    this.typingTimer = null;
    this.info = null; // the conversation as lists show it (status, assignee …)
    this.synced = false; // a sync since the last (re)connect reached the end
    this.syncing = 0; // time the pending sync was asked, 0 when none
    this.notFound = false;
    this.startId = null; // clientId of the chat.start that creates this conversation
    this.listeners = new Set();
  }

  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(what) {
    for (const fn of [...this.listeners]) fn(what);
  }

  /** Adds messages it does not have yet; returns the new ones (oldest first). */
  merge(list) {
    const added = [];
    for (const m of list) {
      if (!m || typeof m.seq !== 'number' || m.seq < 1 || this.messages.has(m.seq)) continue;
      this.messages.set(m.seq, m);
      if (m.seq > this.maxSeq) this.maxSeq = m.seq;
      added.push(m);
    }
    if (!this.floor && this.messages.has(1)) this.anchor(1);
    this.extend();
    added.sort((a, b) => a.seq - b.seq);
    return added;
  }

  /**
   * Starts the loaded window at `seq` (the first page's oldest message). Messages below it that came live
   * before the window existed are dropped: the window is shown without holes, older pages bring them back.
   */
  anchor(seq) {
    this.floor = Math.max(1, seq);
    this.contiguous = Math.max(this.contiguous, this.floor - 1);
    for (const k of [...this.messages.keys()]) if (k < this.floor) this.messages.delete(k);
    this.extend();
  }

  extend() {
    if (!this.floor) return;
    while (this.messages.has(this.floor - 1)) this.floor -= 1;
    while (this.messages.has(this.contiguous + 1)) this.contiguous += 1;
  }

  /** Whether the conversation has messages older than the loaded window. */
  hasOlder() {
    return this.floor > 1 && !this.oldestReached;
  }

  /** Messages in order: stored ones by seq, then those still on their way (by creation time). */
  ordered() {
    const stored = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    const local = [...this.local.values()].sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
    return { stored, local };
  }

  /**
   * The highest seq of a stored message sent by `kind` (the viewer's side) that the other side can see
   * (internal notes excepted), 0 when none.
   */
  lastSeqOf(kind) {
    let best = 0;
    for (const m of this.messages.values()) {
      if (m.senderKind === kind && m.seq > best && !NOT_FOR_THE_OTHER_SIDE.has(m.kind)) best = m.seq;
    }
    return best;
  }
}

/**
 * The chat side of one socket. Options:
 *   socket     from createSocket (not started by this class)
 *   kind       'VISITOR' or 'AGENT': whose side this client is on
 *   myId       this party's id (visitor id or user id): which stored messages are "mine"
 *   outboxKey  localStorage key of the outbox
 * Events (on(type, fn)): 'message' {message, thread, mine, live}, 'started' {thread, message},
 * 'conversation' {conversation}, 'error' {code, message, ref, thread, entry}, 'connected'.
 */
export class ChatClient {
  constructor({ socket, kind, myId, outboxKey }) {
    this.socket = socket;
    this.kind = kind;
    this.otherKind = kind === 'VISITOR' ? 'AGENT' : 'VISITOR';
    this.myId = myId;
    this.outboxKey = outboxKey;
    this.threads = new Map();
    this.reads = new Map(); // conversation id → {own, peer}: read pointers from list answers
    this.draft = null; // visitor: the conversation being started
    this.viewed = null; // the thread on screen
    this.visible = false; // the viewed thread can be seen (tab visible, pane/panel open)
    this.listeners = new Map();
    this.typingOut = null; // {thread, sentAt, timer}
    this.outbox = [];
    this.unsubscribe = [];
    this.loadOutbox();

    const on = (type, fn) => this.unsubscribe.push(socket.on(type, fn));
    on('hello', () => this.connected());
    on('close', () => this.disconnected());
    on('chat.ack', (f) => this.acked(f.clientId, f.message));
    on('chat.message', (f) => this.received(f.message));
    on('chat.history', (f) => this.history(f));
    on('chat.typing', (f) => this.typingIn(f));
    on('chat.read', (f) => this.readIn(f));
    on('chat.conversation', (f) => this.conversationIn(f.conversation));
    on('error', (f) => this.errorIn(f));
    this.resendTimer = setInterval(() => this.resendStale(), RESEND_CHECK_MS);
  }

  /**
   * Stores a conversation from a list answer in `conversations` (a Map by id) and links it to its thread.
   * A live message may be newer than a list answer that was on its way: a higher lastSeq already known wins.
   */
  putConversation(conversations, c) {
    const known = conversations.get(c.id);
    if (known && (known.lastSeq || 0) > (c.lastSeq || 0)) {
      c.lastSeq = known.lastSeq;
      c.lastMessageAt = known.lastMessageAt;
    }
    conversations.set(c.id, c);
    this.noteReads(c);
    const thread = this.threads.get(c.id);
    if (thread) thread.info = c;
  }

  /**
   * Takes the read pointers a list answer carries (readSeq: how far this party has read, on any device;
   * peerReadSeq: how far the other side has), so "Seen" and read receipts survive a reload. Pointers only
   * move forward.
   */
  noteReads(c) {
    const peer = Number.isFinite(c.peerReadSeq) ? c.peerReadSeq : 0;
    const own = Number.isFinite(c.readSeq) ? c.readSeq : 0;
    const was = this.reads.get(c.id) || { peer: 0, own: 0 };
    const now = { peer: Math.max(was.peer, peer), own: Math.max(was.own, own) };
    this.reads.set(c.id, now);
    const thread = this.threads.get(c.id);
    if (thread) this.applyReads(thread);
  }

  applyReads(thread) {
    const r = this.reads.get(thread.id);
    if (!r) return;
    if (r.own > thread.readSent) thread.readSent = r.own;
    if (r.peer > thread.otherReadSeq) {
      thread.otherReadSeq = r.peer;
      thread.changed('read');
    }
  }

  /** Forgets a conversation (erased): its thread and what is waiting to be sent to it. */
  forget(id) {
    this.threads.delete(id);
    this.reads.delete(id);
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((e) => e.conversationId !== id);
    if (this.outbox.length !== before) this.saveOutbox();
    if (this.viewed && this.viewed.id === id) this.viewed = null;
  }

  /** Stops listening (leaving the console or forgetting the visitor). */
  dispose() {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearInterval(this.resendTimer);
    this.stopTyping();
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  emit(type, payload) {
    for (const fn of [...(this.listeners.get(type) || [])]) {
      try {
        fn(payload);
      } catch (err) {
        console.warn('chat listener for', type, 'failed', err);
      }
    }
  }

  /** The thread of a conversation (created empty on first use). */
  thread(id) {
    let t = this.threads.get(id);
    if (!t) {
      t = new Thread(id);
      this.threads.set(id, t);
      this.applyReads(t);
    }
    return t;
  }

  /** Visitor: the conversation that is not started yet (with its unsent first message, if any). */
  draftThread() {
    if (!this.draft) this.draft = new Thread(null);
    return this.draft;
  }

  // --- what the view tells us ---

  /** Shows a thread (or none): it is synced now and read receipts apply to it. */
  view(thread) {
    if (this.viewed !== thread) this.stopTyping();
    this.viewed = thread;
    if (thread && thread.id) this.sync(thread);
    this.markRead();
  }

  /** Whether the viewed thread can actually be seen (tab visible, panel or pane open). */
  setVisible(visible) {
    this.visible = Boolean(visible);
    this.markRead();
  }

  // --- outbox ---

  loadOutbox() {
    let list = [];
    try {
      list = JSON.parse(localStorage.getItem(this.outboxKey) || '[]');
    } catch {
      list = [];
    }
    const now = Date.now();
    this.outbox = (Array.isArray(list) ? list : []).filter((e) => e && typeof e.clientId === 'string'
      && ID_CHARS.test(e.clientId) && typeof e.text === 'string'
      && now - Date.parse(e.createdAt || 0) < OUTBOX_MAX_AGE_MS
      // An attachment or a note belongs to a started conversation.
      && (e.conversationId || (!e.attachment && !e.internal)));
    for (const e of this.outbox) {
      e.lastTry = 0;
      e.attachment = attachmentOf(e.attachment);
      e.internal = e.internal === true;
      const t = this.threadOf(e);
      if (!e.conversationId) t.startId = e.startId;
      t.local.set(e.clientId, localOf(e, 'sending'));
    }
  }

  saveOutbox() {
    try {
      if (this.outbox.length === 0) localStorage.removeItem(this.outboxKey);
      else localStorage.setItem(this.outboxKey, JSON.stringify(this.outbox.map(({ lastTry, ...rest }) => rest)));
    } catch {
      // storage full or blocked: the outbox still works for this page's lifetime
    }
  }

  threadOf(entry) {
    return entry.conversationId ? this.thread(entry.conversationId) : this.draftThread();
  }

  /**
   * Sends a message into a thread: shown at once as "sending", kept until acknowledged. `internal` (agents,
   * started conversations only) makes it a note that only agents see.
   */
  sendText(thread, text, { internal = false } = {}) {
    return this.queue(thread, { text, attachment: null, internal: internal === true && Boolean(thread.id) });
  }

  /**
   * Sends an uploaded attachment (see chat-upload.js) into a started conversation, with an optional caption.
   */
  sendAttachment(thread, attachment, caption = '') {
    const a = attachmentOf(attachment);
    if (!thread.id || !a) throw new Error('an attachment needs a started conversation and an uploaded file');
    return this.queue(thread, { text: caption, attachment: a, internal: false });
  }

  queue(thread, { text, attachment, internal }) {
    this.stopTyping();
    const clientId = newClientId();
    const entry = {
      clientId, conversationId: thread.id, startId: null, text, attachment, internal,
      createdAt: new Date().toISOString(), lastTry: 0,
    };
    if (!thread.id) {
      if (!thread.startId) thread.startId = clientId;
      entry.startId = thread.startId;
    }
    this.outbox.push(entry);
    this.saveOutbox();
    thread.local.set(clientId, localOf(entry, 'sending'));
    thread.changed('local');
    this.trySend(entry);
    return clientId;
  }

  /** Sends a failed message again (same clientId). */
  retry(thread, clientId) {
    const local = thread.local.get(clientId);
    if (!local || local.state !== 'failed') return;
    local.state = 'sending';
    delete local.code;
    const entry = {
      clientId, conversationId: thread.id, startId: null, text: local.text, attachment: local.attachment,
      internal: local.internal, createdAt: local.createdAt, lastTry: 0,
    };
    if (!thread.id) {
      if (!thread.startId || !this.outbox.some((e) => e.clientId === thread.startId)) thread.startId = clientId;
      entry.startId = thread.startId;
    }
    this.outbox.push(entry);
    this.saveOutbox();
    thread.changed('local');
    this.trySend(entry);
  }

  /** Drops a failed message. */
  discard(thread, clientId) {
    const local = thread.local.get(clientId);
    if (!local || local.state !== 'failed') return;
    thread.local.delete(clientId);
    thread.changed('local');
  }

  trySend(entry) {
    let frame;
    if (entry.conversationId) {
      frame = { type: 'chat.send', conversationId: entry.conversationId, clientId: entry.clientId, text: entry.text };
      if (entry.attachment) frame.attachmentId = entry.attachment.id;
      if (entry.internal) frame.internal = true;
    } else if (entry.clientId === entry.startId) {
      frame = { type: 'chat.start', clientId: entry.clientId, text: entry.text };
    } else {
      return; // waits for the conversation its first message creates
    }
    if (this.socket.send(frame)) entry.lastTry = Date.now();
  }

  flushOutbox() {
    for (const e of [...this.outbox]) this.trySend(e);
  }

  resendStale() {
    if (!this.socket.isOpen()) return;
    const now = Date.now();
    for (const e of [...this.outbox]) if (now - e.lastTry >= RESEND_AFTER_MS) this.trySend(e);
    for (const t of this.threads.values()) {
      if (t.syncing && now - t.syncing > SYNC_TIMEOUT_MS) {
        t.syncing = 0;
        if (t === this.viewed) this.sync(t);
      }
      if (t.loadingOlder && now - t.loadingOlder > SYNC_TIMEOUT_MS) {
        t.loadingOlder = 0;
        t.changed('older');
      }
    }
  }

  /** A message of ours is stored: leave the outbox, take its place by seq. */
  settle(entry, message) {
    this.outbox = this.outbox.filter((e) => e.clientId !== entry.clientId);
    let thread;
    if (!entry.conversationId) {
      // The first message created the conversation: the draft becomes that thread.
      const draft = this.draftThread();
      const existing = this.threads.get(message.conversationId);
      thread = existing || draft;
      if (!existing) {
        draft.id = message.conversationId;
        this.threads.set(draft.id, draft);
      } else {
        for (const [k, v] of draft.local) existing.local.set(k, v);
      }
      thread.startId = null;
      if (this.draft === draft) this.draft = null;
      if (this.viewed === draft && existing) this.viewed = existing;
      for (const e of this.outbox) {
        if (!e.conversationId && e.startId === entry.startId) {
          e.conversationId = message.conversationId;
          e.startId = null;
        }
      }
      this.saveOutbox();
      this.emit('started', { thread, message });
      for (const e of this.outbox) if (e.conversationId === message.conversationId && !e.lastTry) this.trySend(e);
    } else {
      this.saveOutbox();
      thread = this.thread(entry.conversationId);
    }
    thread.local.delete(entry.clientId);
    return thread;
  }

  // --- frames in ---

  connected() {
    for (const t of this.threads.values()) {
      t.synced = false;
      t.syncing = 0;
    }
    if (this.viewed && this.viewed.id) this.sync(this.viewed);
    this.flushOutbox();
    this.emit('connected', {});
  }

  disconnected() {
    for (const t of this.threads.values()) {
      t.syncing = 0;
      if (t.loadingOlder) {
        t.loadingOlder = 0;
        t.changed('older');
      }
      if (t.typing) this.clearTyping(t);
    }
    if (this.typingOut) {
      clearTimeout(this.typingOut.timer);
      this.typingOut = null;
    }
  }

  /**
   * Asks for what this thread misses: its newest page when nothing is loaded yet, else everything after
   * the loaded window's gap-free run.
   */
  sync(thread) {
    if (!thread.id || thread.syncing || !this.socket.isOpen()) return;
    const frame = thread.floor
      ? { type: 'chat.sync', conversationId: thread.id, afterSeq: thread.contiguous }
      : { type: 'chat.sync', conversationId: thread.id, beforeSeq: NEWEST };
    if (this.socket.send(frame)) thread.syncing = Date.now();
  }

  /** Asks for the page of messages before the loaded window; false when there is none or it cannot now. */
  loadOlder(thread) {
    if (!thread || !thread.id || !thread.hasOlder() || thread.loadingOlder || !this.socket.isOpen()) return false;
    if (!this.socket.send({ type: 'chat.sync', conversationId: thread.id, beforeSeq: thread.floor })) return false;
    thread.loadingOlder = Date.now();
    thread.changed('older');
    return true;
  }

  acked(clientId, message) {
    const entry = this.outbox.find((e) => e.clientId === clientId);
    if (!message) return;
    if (entry) {
      const thread = this.settle(entry, message);
      this.add(thread, [message], true);
    } else {
      // An ack we no longer wait for (answered twice, or sent by another tab with the same outbox).
      const thread = this.thread(message.conversationId);
      thread.local.delete(clientId);
      this.add(thread, [message], true);
    }
  }

  received(message) {
    if (!message || typeof message.conversationId !== 'string') return;
    const mine = message.senderId === this.myId;
    const entry = mine ? this.outbox.find((e) => e.clientId === message.clientId) : null;
    // The broadcast can overtake the sender's own ack: it settles the outbox just the same.
    const thread = entry ? this.settle(entry, message) : this.thread(message.conversationId);
    if (mine) thread.local.delete(message.clientId);
    const gap = thread.synced && message.seq > thread.contiguous + 1;
    this.add(thread, [message], true);
    if (thread.typing && message.senderId === thread.typing.partyId) this.clearTyping(thread);
    if (gap) {
      thread.synced = false;
      if (thread === this.viewed) this.sync(thread);
    }
  }

  history(frame) {
    const thread = this.threads.get(frame.conversationId);
    if (!thread) return;
    const list = Array.isArray(frame.messages) ? frame.messages : [];
    const backward = typeof frame.beforeSeq === 'number';
    if (backward && frame.beforeSeq !== NEWEST) {
      this.older(thread, frame, list);
      return;
    }
    thread.syncing = 0;
    if (backward && !thread.floor) {
      // The first page: the window starts at its oldest message (or after the end when it is empty).
      thread.anchor(list.length > 0 ? list[0].seq : (frame.lastSeq || 0) + 1);
    }
    if (backward && !frame.more) thread.oldestReached = true;
    for (const m of list) {
      if (m.senderId === this.myId && thread.local.has(m.clientId)) {
        const entry = this.outbox.find((e) => e.clientId === m.clientId);
        if (entry) this.settle(entry, m);
        thread.local.delete(m.clientId);
      }
    }
    this.add(thread, list, false);
    // A forward page that was cut, or a first page overtaken by newer messages: ask on from the window.
    if (backward ? thread.contiguous < Math.max(thread.maxSeq, frame.lastSeq || 0) : frame.more) {
      this.sync(thread);
    } else {
      thread.synced = true;
      thread.changed('synced');
    }
  }

  /** A page of older messages: they join the window below its floor. */
  older(thread, frame, list) {
    thread.loadingOlder = 0;
    // Only the answer for the window's current floor joins it (gap-free by the server's paging); a late
    // answer for an earlier floor is dropped.
    if (thread.floor && frame.beforeSeq === thread.floor) {
      if (!frame.more) thread.oldestReached = true;
      this.add(thread, list, false);
    }
    thread.changed('older');
  }

  add(thread, list, live) {
    const added = thread.merge(list);
    thread.changed('messages');
    for (const m of added) this.emit('message', { message: m, thread, mine: m.senderId === this.myId, live });
    this.markRead();
  }

  typingIn(f) {
    if (f.partyKind !== this.otherKind) return;
    const thread = this.threads.get(f.conversationId);
    if (!thread) return;
    if (!f.typing) {
      if (thread.typing) this.clearTyping(thread);
      return;
    }
    clearTimeout(thread.typingTimer);
    thread.typing = { name: f.name || '', partyId: f.partyId };
    thread.typingTimer = setTimeout(() => this.clearTyping(thread), TYPING_SHOW_MS);
    thread.changed('typing');
  }

  clearTyping(thread) {
    clearTimeout(thread.typingTimer);
    thread.typingTimer = null;
    thread.typing = null;
    thread.changed('typing');
  }

  readIn(f) {
    if (f.partyKind !== this.otherKind || typeof f.seq !== 'number') return;
    const thread = this.threads.get(f.conversationId);
    if (!thread || f.seq <= thread.otherReadSeq) return;
    thread.otherReadSeq = f.seq;
    thread.changed('read');
  }

  conversationIn(c) {
    if (!c || typeof c.id !== 'string') return;
    const thread = this.threads.get(c.id);
    if (thread) {
      thread.info = c;
      thread.changed('info');
    }
    this.emit('conversation', { conversation: c });
  }

  errorIn(f) {
    const ref = typeof f.ref === 'string' ? f.ref : null;
    const entry = ref ? this.outbox.find((e) => e.clientId === ref) : null;
    if (entry) {
      const thread = this.threadOf(entry);
      if (PERMANENT.has(f.code)) {
        this.outbox = this.outbox.filter((e) => e !== entry);
        if (!entry.conversationId && entry.clientId === entry.startId) {
          // The next waiting message (if any) starts the conversation instead.
          const next = this.outbox.find((e) => !e.conversationId && e.startId === entry.startId);
          thread.startId = next ? next.clientId : null;
          for (const e of this.outbox) if (!e.conversationId && e.startId === entry.startId) e.startId = thread.startId;
          if (next) this.trySend(next);
        }
        this.saveOutbox();
        const local = thread.local.get(entry.clientId);
        if (local) {
          local.state = 'failed';
          local.code = f.code;
        }
        thread.changed('local');
      }
      // Transient (RATE_LIMITED, INTERNAL …): stays in the outbox and is resent later.
      this.emit('error', { code: f.code, ref, thread, entry });
      return;
    }
    const thread = ref ? this.threads.get(ref) : null;
    if (thread && (thread.syncing || thread.loadingOlder)) {
      thread.syncing = 0;
      if (thread.loadingOlder) {
        thread.loadingOlder = 0;
        thread.changed('older');
      }
      if (f.code === 'NOT_FOUND') {
        thread.notFound = true;
        thread.changed('info');
      }
      this.emit('error', { code: f.code, ref, thread, entry: null });
      return;
    }
    // Errors about typing or read frames, or pings: nothing the user did, nothing to show.
    this.emit('error', { code: f.code, ref, thread: null, entry: null, background: true });
  }

  // --- typing and reading (frames out) ---

  /** Call on every edit of the composer; `hasText` false ends the typing state. */
  typingInput(thread, hasText) {
    if (!thread || !thread.id) return;
    if (!hasText) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    const t = this.typingOut;
    if (t && t.thread !== thread) this.stopTyping();
    if (!this.typingOut || now - this.typingOut.sentAt >= TYPING_EVERY_MS) {
      if (this.socket.send({ type: 'chat.typing', conversationId: thread.id, typing: true })) {
        if (!this.typingOut) this.typingOut = { thread, sentAt: now, timer: null };
        this.typingOut.sentAt = now;
      }
    }
    if (this.typingOut) {
      clearTimeout(this.typingOut.timer);
      this.typingOut.timer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    }
  }

  stopTyping() {
    const t = this.typingOut;
    if (!t) return;
    clearTimeout(t.timer);
    this.typingOut = null;
    this.socket.send({ type: 'chat.typing', conversationId: t.thread.id, typing: false });
  }

  /** Says how far the viewed thread has been seen, when it can actually be seen. */
  markRead() {
    const t = this.viewed;
    if (!t || !t.id || !this.visible || t.maxSeq <= t.readSent) return;
    if (this.socket.send({ type: 'chat.read', conversationId: t.id, seq: t.maxSeq })) {
      t.readSent = t.maxSeq;
      this.emit('read', { thread: t, seq: t.maxSeq });
    }
  }
}
