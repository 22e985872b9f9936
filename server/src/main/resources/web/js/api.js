// The one door to the server's JSON API: same-origin cookies, JSON both ways, the CSRF header on every
// state-changing request, and errors turned into ApiError with the server's stable code.

let csrfToken = null;
let authFailureHandler = null;

export function setCsrfToken(token) {
  if (typeof token === 'string' && token) csrfToken = token;
}

export function clearCsrfToken() {
  csrfToken = null;
}

/** The CSRF token the next state-changing request will carry (null before the first /api/auth/me). */
export function currentCsrfToken() {
  return csrfToken;
}

/**
 * Called with the error when a request answers 401 UNAUTHENTICATED/SESSION_EXPIRED. Returning true marks
 * the error as handled (the caller then shows nothing of its own).
 */
export function onAuthFailure(fn) {
  authFailureHandler = fn;
}

/** A failed request. `code` is the server's stable error code (or NETWORK / INTERNAL when there was none). */
export class ApiError extends Error {
  constructor(status, body, retryAfterHeader) {
    const code = body && typeof body.code === 'string' ? body.code : status === 0 ? 'NETWORK' : status >= 500 ? 'INTERNAL' : `HTTP_${status}`;
    super(code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body || {};
    this.field = body && typeof body.field === 'string' ? body.field : null;
    let retry = body && Number.isFinite(body.retryAfterSeconds) ? body.retryAfterSeconds : null;
    if (retry === null && retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim())) retry = Number(retryAfterHeader.trim());
    this.retryAfterSeconds = retry;
    this.handled = false;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Performs one request; resolves to the decoded body (null for 204), rejects with ApiError. */
export async function api(method, path, body, { csrfRetry = true } = {}) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const unsafe = UNSAFE.has(method);
  if (unsafe && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (unsafe && method !== 'DELETE') init.body = JSON.stringify(body === undefined ? {} : body);

  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, null);
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (res.status !== 204) {
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (err.code === 'CSRF_REJECTED' && csrfRetry && unsafe) {
      // The token may have rotated (another tab signed in again): fetch the current one and retry once.
      const me = await api('GET', '/api/auth/me').catch(() => null);
      if (me && me.csrfToken) return api(method, path, body, { csrfRetry: false });
    }
    if (res.status === 401 && (err.code === 'UNAUTHENTICATED' || err.code === 'SESSION_EXPIRED') && authFailureHandler) {
      if (authFailureHandler(err)) err.handled = true;
    }
    throw err;
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) setCsrfToken(data.csrfToken);
  return data;
}

/** "?a=1&b=2" from an object, skipping empty values; "" when nothing is left. */
export function query(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && String(v).trim() !== '') qs.set(k, String(v).trim());
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;
