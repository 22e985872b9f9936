// The one realtime connection: JSON frames {type, …} both ways. Used by the console (cookie auth) and by
// the visitor chat page (its token goes in a header to POST /api/rt/tickets, and each connection opens with
// the one-time ticket it gets: the long-lived token never appears in an address, where proxies log it);
// features subscribe with on(type, handler).
//
// Two transports behind one API (send/on/state/isOpen):
//   websocket  /ws — the normal case.
//   sse        the fallback for networks that block WebSockets: a server-sent event stream down
//              (GET /api/rt/events; visitors open it with a one-time ticket from POST /api/rt/tickets, as
//              an EventSource cannot send the token header) and frames posted up
//              (POST /api/rt/connections/{id}/frames, one post at a time, queued frames batched, so the
//              server sees them in order). Whatever a posted frame causes for this client (ack, history,
//              pong, error) comes back in the post's answer and is emitted like a frame from the stream.
// After two attempts in a row that never got the server's 'hello' (refused, cut, or silent for 10 s) the
// other transport is tried, and so on until one works. ?transport=sse|websocket in the page address, or
// localStorage['romotica.transport'], pins one (for tests and for support).
//
// Reconnects by itself with back-off (1 s, 2 s, 4 s … 30 s), pings every 25 s and drops a connection whose
// ping went unanswered (or, on the fallback, whose stream has been silent for 45 s although the server sends
// a heartbeat every 20 s), so a half-open link (sleeping laptop, lost Wi-Fi) is noticed.
//
// Pseudo-types emitted besides the server's frame types:
//   'open'   the connection opened (the server's 'hello' frame follows)
//   'close'  {code, reason, opened, final, transport}: it closed; final = no reconnect will follow (4401:
//            the session was revoked, or the visitor token was refused: reason is then the server's code)
//   'state'  'connecting' | 'open' | 'offline' | 'stopped'

import { api, currentCsrfToken } from './api.js';

const PING_MS = 25000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
/** Close codes after which reconnecting cannot help (4401: the session was revoked). */
const FINAL_CLOSE_CODES = new Set([4401]);
/** Attempts in a row without 'hello' after which the other transport is tried. */
const FAILURES_BEFORE_SWITCH = 2;
/** An attempt that brought no 'hello' within this long has failed (a proxy holding or buffering it). */
const HELLO_TIMEOUT_MS = 10000;
/** The fallback's stream is dead when nothing (not even the 20-second heartbeat) arrived for this long. */
const STREAM_SILENCE_MS = 45000;
/** Most frames in one post (the server's limit). */
const MAX_FRAMES_PER_POST = 20;
const TRANSPORT_KEY = 'romotica.transport';
const TRANSPORTS = ['websocket', 'sse'];

/** The /ws address on this page's host, ws: on plain http (local development), wss: otherwise. */
export function socketUrl(query = '') {
  const scheme = location.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${location.host}/ws${query}`;
}

/** The transport this page is pinned to ('websocket' or 'sse'), or null to choose by itself. */
export function forcedTransport() {
  let wanted = null;
  try {
    wanted = new URLSearchParams(location.search).get('transport');
    if (!wanted) wanted = localStorage.getItem(TRANSPORT_KEY);
  } catch {
    // storage may be unavailable (privacy settings): no preference then
  }
  return TRANSPORTS.includes(wanted) ? wanted : null;
}

/**
 * Creates a connection manager for the /ws address `url`; call start() to connect. Options: visitorToken
 * (a function giving the visitor's current token; absent for the console), pingMs, maxBackoffMs,
 * helloTimeoutMs (for tests), transport ('websocket' | 'sse': pinned, like forcedTransport()).
 */
export function createSocket(url, {
  visitorToken: tokenOf = null,
  pingMs = PING_MS,
  maxBackoffMs = MAX_BACKOFF_MS,
  helloTimeoutMs = HELLO_TIMEOUT_MS,
  transport: pinned = forcedTransport(),
} = {}) {
  const address = new URL(url, location.href);
  const httpBase = `${address.protocol === 'ws:' ? 'http:' : 'https:'}//${address.host}`;
  const isVisitor = typeof tokenOf === 'function';
  const handlers = new Map();
  let transport = pinned || (typeof WebSocket === 'function' ? 'websocket' : 'sse');
  let link = null; // the current attempt or connection (see openWebSocket / openStream)
  let running = false;
  let backoff = FIRST_BACKOFF_MS;
  let failures = 0; // attempts in a row without 'hello'
  let retryTimer = null;
  let helloTimer = null;
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
    const attempt = transport === 'sse' ? openStream() : openWebSocket();
    link = attempt;
    clearTimeout(helloTimer);
    helloTimer = setTimeout(() => {
      if (link === attempt && !attempt.greeted) drop(attempt, 4000, 'no hello');
    }, helloTimeoutMs);
  }

  // --- what every transport reports ---

  function opened(l) {
    if (link !== l) return;
    l.opened = true;
    setState('open');
    startPing();
    emit('open');
  }

  function received(l, frame) {
    if (link !== l || !frame || typeof frame.type !== 'string') return;
    if (frame.type === 'hello') {
      backoff = FIRST_BACKOFF_MS;
      failures = 0;
      l.greeted = true;
      clearTimeout(helloTimer);
      if (l.kind === 'sse') l.connectionId = frame.connectionId;
    }
    if (frame.type === 'pong' && frame.ref === awaitingPong) awaitingPong = null;
    if (frame.type === 'bye') l.bye = frame.reason;
    emit(frame.type, frame);
    if (frame.type === 'bye' && frame.reason === 'SESSION_REVOKED') running = false;
  }

  /** The current connection is gone: tell subscribers and, unless that was final, try again later. */
  function closed(l, code, reason) {
    if (link !== l) return;
    link = null;
    clearTimeout(helloTimer);
    stopPing();
    if (!l.greeted) {
      failures += 1;
      if (!pinned && failures >= FAILURES_BEFORE_SWITCH) {
        transport = transport === 'sse' ? 'websocket' : 'sse';
        failures = 0;
      }
    }
    const final = !running || FINAL_CLOSE_CODES.has(code);
    if (final) running = false;
    emit('close', { code, reason, opened: l.opened, final, transport: l.kind });
    if (final) setState('stopped');
    else scheduleReconnect();
  }

  /** Gives up on a connection at once: a dead link may never report its end. */
  function drop(l, code, reason) {
    l.close(code, reason);
    closed(l, code, reason);
  }

  function scheduleReconnect() {
    if (!running) return;
    setState('offline');
    const wait = backoff;
    backoff = Math.min(backoff * 2, maxBackoffMs);
    retryTimer = setTimeout(connect, wait);
  }

  /**
   * A visitor's one-time ticket for the next connection: the query string that carries it, or null after
   * the attempt was closed (a refused token closes it for good, with the server's code as the reason).
   */
  async function ticketQuery(l) {
    let res;
    try {
      res = await fetch(`${httpBase}/api/rt/tickets`, {
        method: 'POST',
        headers: { Accept: 'application/json', 'X-Visitor-Token': tokenOf() || '' },
        credentials: 'omit',
        cache: 'no-store',
        signal: l.aborter ? l.aborter.signal : undefined,
      });
    } catch {
      if (!l.ended) closed(l, 1006, 'no ticket');
      return null;
    }
    const body = await res.json().catch(() => null);
    if (l.ended) return null;
    if (res.status === 401) {
      // The token expired or is not (any more) one of this server's: reconnecting cannot help.
      closed(l, 4401, (body && body.code) || 'UNAUTHENTICATED');
      return null;
    }
    if (!res.ok || !body || typeof body.ticket !== 'string') {
      closed(l, 1006, 'no ticket');
      return null;
    }
    return `?ticket=${encodeURIComponent(body.ticket)}`;
  }

  // --- WebSocket ---

  function openWebSocket() {
    const l = {
      kind: 'websocket', opened: false, greeted: false, bye: null, ws: null, ended: false,
      aborter: typeof AbortController === 'function' ? new AbortController() : null,
      isOpen: () => Boolean(l.ws && l.ws.readyState === WebSocket.OPEN),
      send(text) {
        if (!l.isOpen()) return false;
        try {
          l.ws.send(text);
          return true;
        } catch {
          return false;
        }
      },
      close(code, reason) {
        l.ended = true;
        if (l.aborter) l.aborter.abort();
        try {
          if (l.ws) l.ws.close(code >= 4000 || code === 1000 ? code : 1000, reason);
        } catch {
          // closing anyway
        }
      },
    };
    if (isVisitor) {
      ticketQuery(l).then((query) => {
        if (query !== null && !l.ended) attachWebSocket(l, `${url}${query}`);
      });
    } else {
      attachWebSocket(l, url);
    }
    return l;
  }

  function attachWebSocket(l, target) {
    try {
      l.ws = new WebSocket(target);
    } catch {
      setTimeout(() => closed(l, 1006, 'refused'), 0);
      return;
    }
    l.ws.addEventListener('open', () => opened(l));
    l.ws.addEventListener('message', (ev) => {
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      received(l, frame);
    });
    l.ws.addEventListener('close', (ev) => closed(l, ev.code, ev.reason));
  }

  // --- fallback: event stream down, posts up ---

  function openStream() {
    const l = {
      kind: 'sse', opened: false, greeted: false, bye: null, es: null, connectionId: null,
      queue: [], posting: false, ended: false, unauthorized: false, lastSeen: Date.now(),
      aborter: typeof AbortController === 'function' ? new AbortController() : null,
      isOpen: () => Boolean(l.connectionId && !l.ended),
      send(text) {
        if (!l.isOpen()) return false;
        l.queue.push(text);
        flush(l);
        return true;
      },
      close() {
        l.ended = true;
        if (l.es) l.es.close();
        if (l.aborter) l.aborter.abort();
      },
    };
    openEventSource(l);
    return l;
  }

  async function openEventSource(l) {
    let query = '';
    if (isVisitor) {
      // The token stays in a header; the stream's address carries only a one-time ticket.
      query = await ticketQuery(l);
      if (query === null) return;
    }
    if (l.ended) return;
    const es = new EventSource(`${httpBase}/api/rt/events${query}`);
    l.es = es;
    es.addEventListener('open', () => {
      l.lastSeen = Date.now();
      opened(l);
    });
    es.addEventListener('message', (ev) => {
      l.lastSeen = Date.now();
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      received(l, frame);
    });
    es.addEventListener('heartbeat', () => {
      l.lastSeen = Date.now();
    });
    es.addEventListener('error', () => {
      // The stream ended or could not open. EventSource would retry on its own, with the same (spent)
      // ticket and without back-off: close it and reconnect like a WebSocket instead.
      if (l.ended) return;
      l.close();
      const code = l.bye === 'SESSION_REVOKED' ? 4401 : l.bye === 'SHUTDOWN' ? 1001 : 1006;
      closed(l, code, l.bye || '');
    });
  }

  /** Posts queued frames, one post at a time so the server handles them in the order they were sent. */
  async function flush(l) {
    if (l.posting || l.ended || l.queue.length === 0) return;
    l.posting = true;
    const batch = l.queue.splice(0, MAX_FRAMES_PER_POST);
    let answers = null;
    try {
      answers = await post(l, batch.length === 1 ? batch[0] : `[${batch.join(',')}]`, true);
    } catch {
      answers = null;
    }
    l.posting = false;
    if (l.ended || link !== l) return;
    if (!answers) {
      // The post failed (network, server gone, session ended): the stream is of no use without it. Frames
      // still queued are dropped; the chat client resends its unacknowledged messages after 'hello'.
      drop(l, l.unauthorized && !isVisitor ? 4401 : 1006, 'post failed');
      return;
    }
    for (const frame of answers) received(l, frame);
    flush(l);
  }

  async function post(l, body, retryCsrf) {
    const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    if (isVisitor) {
      headers['X-Visitor-Token'] = tokenOf() || '';
    } else {
      const csrf = currentCsrfToken();
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    const res = await fetch(`${httpBase}/api/rt/connections/${encodeURIComponent(l.connectionId)}/frames`, {
      method: 'POST',
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: l.aborter ? l.aborter.signal : undefined,
    });
    if (res.ok) {
      const data = await res.json();
      return Array.isArray(data) ? data : [];
    }
    const error = await res.json().catch(() => null);
    if (res.status === 403 && retryCsrf && !isVisitor && error && error.code === 'CSRF_REJECTED') {
      // The token may have rotated (signed in again in another tab): fetch the current one, try once more.
      await api('GET', '/api/auth/me').catch(() => null);
      return post(l, body, false);
    }
    if (res.status === 401) l.unauthorized = true;
    return null;
  }

  // --- liveness ---

  function startPing() {
    stopPing();
    awaitingPong = null;
    pingTimer = setInterval(() => {
      const l = link;
      if (!l || !l.isOpen()) return;
      const silent = l.kind === 'sse' && Date.now() - l.lastSeen > STREAM_SILENCE_MS;
      if (awaitingPong || silent) {
        // The last ping got no answer within a whole interval (or the stream went quiet): treat the link
        // as dead.
        drop(l, 4000, 'ping timeout');
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
    return Boolean(link && link.send(JSON.stringify(obj)));
  }

  /** Connects now if a reconnect is waiting (the browser came back online, the tab became visible). */
  function reconnectNow() {
    if (!running || link) return;
    backoff = FIRST_BACKOFF_MS;
    connect();
  }

  const onOnline = () => reconnectNow();
  // Leaving the page, or entering the back/forward cache: close now, so the server does not keep counting a
  // page nobody sees (an agent would stay "online" through a frozen page); a restored page reconnects.
  const onPageHide = () => {
    clearTimeout(retryTimer);
    stopPing();
    const l = link;
    link = null;
    if (l) l.close(1000, 'page hidden');
  };
  const onPageShow = (e) => {
    if (e.persisted) reconnectNow();
  };
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
      window.addEventListener('pagehide', onPageHide);
      window.addEventListener('pageshow', onPageShow);
      document.addEventListener('visibilitychange', onVisible);
      connect();
    },
    /** Closes for good (leaving the console); no reconnect. */
    stop() {
      running = false;
      clearTimeout(retryTimer);
      clearTimeout(helloTimer);
      stopPing();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      document.removeEventListener('visibilitychange', onVisible);
      const l = link;
      link = null;
      if (l) l.close(1000, 'bye');
      setState('stopped');
    },
    isOpen() {
      return Boolean(link && link.isOpen());
    },
    state() {
      return state;
    },
    /** 'websocket' or 'sse': the transport in use, or the one the next attempt will use. */
    transport() {
      return transport;
    },
    reconnectNow,
  };
}
