// The one realtime connection (/ws): JSON frames {type, …} both ways. Reconnects by itself with back-off
// (1 s, 2 s, 4 s … 30 s), pings every 25 s and drops a connection whose ping went unanswered, so a
// half-open link (sleeping laptop, lost Wi-Fi) is noticed. Used by the console (cookie auth) and by the
// visitor chat page (?visitor=<token>); features subscribe with on(type, handler).
//
// Pseudo-types emitted besides the server's frame types:
//   'open'   the socket opened (the server's 'hello' frame follows)
//   'close'  {code, reason, opened, final}: the socket closed; final = no reconnect will follow
//   'state'  'connecting' | 'open' | 'offline' | 'stopped'

const PING_MS = 25000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
/** Close codes after which reconnecting cannot help (4401: the session was revoked). */
const FINAL_CLOSE_CODES = new Set([4401]);

/** The /ws address on this page's host, ws: on plain http (local development), wss: otherwise. */
export function socketUrl(query = '') {
  const scheme = location.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${location.host}/ws${query}`;
}

/**
 * Creates a connection manager; call start() to connect. Options: pingMs, maxBackoffMs (for tests).
 */
export function createSocket(url, { pingMs = PING_MS, maxBackoffMs = MAX_BACKOFF_MS } = {}) {
  const handlers = new Map();
  let ws = null;
  let running = false;
  let backoff = FIRST_BACKOFF_MS;
  let retryTimer = null;
  let pingTimer = null;
  let pingSeq = 0;
  let awaitingPong = null;
  let state = 'stopped';

  function emit(type, payload) {
    const list = handlers.get(type);
    if (!list) return;
    for (const fn of [...list]) {
      try {
        fn(payload);
      } catch (err) {
        // One broken subscriber must not stop the others (nor the socket).
        console.warn('socket handler for', type, 'failed', err);
      }
    }
  }

  function setState(next) {
    if (state === next) return;
    state = next;
    emit('state', next);
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!running) return;
    setState('connecting');
    let opened = false;
    let sock;
    try {
      sock = new WebSocket(url);
    } catch {
      scheduleReconnect();
      return;
    }
    ws = sock;
    sock.addEventListener('open', () => {
      if (ws !== sock) return;
      opened = true;
      setState('open');
      startPing();
      emit('open');
    });
    sock.addEventListener('message', (ev) => {
      if (ws !== sock) return;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!frame || typeof frame.type !== 'string') return;
      if (frame.type === 'hello') backoff = FIRST_BACKOFF_MS;
      if (frame.type === 'pong' && frame.ref === awaitingPong) awaitingPong = null;
      emit(frame.type, frame);
      if (frame.type === 'bye' && frame.reason === 'SESSION_REVOKED') running = false;
    });
    sock.addEventListener('close', (ev) => {
      if (ws !== sock) return;
      closed(ev.code, ev.reason, opened);
    });
  }

  /** The current socket is gone: tell subscribers and, unless that was final, try again later. */
  function closed(code, reason, opened) {
    ws = null;
    stopPing();
    const final = !running || FINAL_CLOSE_CODES.has(code);
    if (final) running = false;
    emit('close', { code, reason, opened, final });
    if (final) setState('stopped');
    else scheduleReconnect();
  }

  function scheduleReconnect() {
    if (!running) return;
    setState('offline');
    const wait = backoff;
    backoff = Math.min(backoff * 2, maxBackoffMs);
    retryTimer = setTimeout(connect, wait);
  }

  function startPing() {
    stopPing();
    awaitingPong = null;
    pingTimer = setInterval(() => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      if (awaitingPong) {
        // The last ping got no answer within a whole interval: treat the link as dead. A dead link may
        // never deliver the close event, so give up on this socket at once.
        const dead = ws;
        try {
          dead.close(4000, 'ping timeout');
        } catch {
          // closing anyway
        }
        closed(4000, 'ping timeout', true);
        return;
      }
      pingSeq += 1;
      awaitingPong = `p${pingSeq}`;
      send({ type: 'ping', ref: awaitingPong });
    }, pingMs);
  }

  function stopPing() {
    clearInterval(pingTimer);
    pingTimer = null;
    awaitingPong = null;
  }

  /** Sends one frame; false when not connected (the caller keeps it for later). */
  function send(obj) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(obj));
      return true;
    } catch {
      return false;
    }
  }

  /** Connects now if a reconnect is waiting (the browser came back online, the tab became visible). */
  function reconnectNow() {
    if (!running || ws) return;
    backoff = FIRST_BACKOFF_MS;
    connect();
  }

  const onOnline = () => reconnectNow();
  const onVisible = () => {
    if (document.visibilityState === 'visible') reconnectNow();
  };

  return {
    /** Subscribes to a frame type (or a pseudo-type); returns the unsubscribe function. */
    on(type, fn) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type).add(fn);
      return () => handlers.get(type)?.delete(fn);
    },
    send,
    start() {
      if (running) return;
      running = true;
      backoff = FIRST_BACKOFF_MS;
      window.addEventListener('online', onOnline);
      document.addEventListener('visibilitychange', onVisible);
      connect();
    },
    /** Closes for good (leaving the console); no reconnect. */
    stop() {
      running = false;
      clearTimeout(retryTimer);
      stopPing();
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
      const sock = ws;
      ws = null;
      if (sock) {
        try {
          sock.close(1000, 'bye');
        } catch {
          // already closing
        }
      }
      setState('stopped');
    },
    isOpen() {
      return Boolean(ws && ws.readyState === WebSocket.OPEN);
    },
    state() {
      return state;
    },
    reconnectNow,
  };
}
