// The #message live region: status, success and error messages. Errors carry data-code with the
// server's (or the client check's) stable code. RATE_LIMITED counts down and keeps the form's submit
// button disabled until the wait is over.

import { h, icon, setText } from './dom.js';
import { hasKey } from './i18n.js';

let countdown = null; // { timer, buttons }
let pendingFlash = null;

let regionEl = null;

/** The one live region. It moves between screens (each layout has a slot for it), so keep a handle. */
export function region() {
  if (!regionEl) regionEl = document.getElementById('message');
  return regionEl;
}

function stopCountdown() {
  if (!countdown) return;
  clearInterval(countdown.timer);
  for (const b of countdown.buttons) {
    delete b.dataset.rateLimited;
    b.disabled = false;
  }
  countdown = null;
}

export function clearMessage() {
  stopCountdown();
  const el = region();
  if (!el) return;
  el.replaceChildren();
  delete el.dataset.code;
  delete el.dataset.kind;
}

/** Shows one message. kind: info | success | error. */
export function showMessage(kind, key, args, code) {
  clearMessage();
  const el = region();
  if (!el) return null;
  const text = h('span', { class: 'msg-text', t: key, targs: args });
  const box = h('div', { class: ['msg', `msg-${kind}`], dataset: code ? { code } : undefined },
    icon(kind === 'error' ? 'alert' : kind === 'success' ? 'check' : 'alert'),
    text);
  el.dataset.kind = kind;
  if (code) el.dataset.code = code;
  el.append(box);
  return text;
}

export const showInfo = (key, args) => showMessage('info', key, args);
export const showSuccess = (key, args) => showMessage('success', key, args);

/** A message to show on the next screen (e.g. "your session ended" on the login screen). */
export function flash(kind, key, args, code) {
  pendingFlash = { kind, key, args, code };
}

export function showPendingFlash() {
  if (!pendingFlash) return false;
  const f = pendingFlash;
  pendingFlash = null;
  showMessage(f.kind, f.key, f.args, f.code);
  return true;
}

/** The i18n key for an error code, with the generic fallback. */
export function errorKey(code) {
  return hasKey(`error.${code}`) ? `error.${code}` : 'error.generic';
}

/**
 * Shows an error (ApiError or a client-side check). Options:
 *   fields   {serverFieldName: inputElement} to mark the offending input
 *   buttons  buttons to keep disabled while a RATE_LIMITED wait runs
 */
export function showError(err, { fields = {}, buttons = [] } = {}) {
  if (!err || err.handled) return;
  if (!err.code) {
    // A bug, not an expected outcome: keep it visible to developers, but show the generic text.
    console.warn(err);
  }
  const code = err.code || 'INTERNAL';
  if (code === 'RATE_LIMITED') {
    rateLimited(err.retryAfterSeconds, buttons);
    return;
  }
  const input = err.input || (err.field ? fields[err.field] : null);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  let key = errorKey(code);
  let args = { code };
  if (code === 'INVALID_INPUT' && input) {
    const label = input.labels && input.labels[0] && input.labels[0].querySelector('[data-i18n]');
    const labelKey = label ? label.dataset.i18n : null;
    if (labelKey) {
      key = 'error.INVALID_INPUT.field';
      args = { code, field: { key: labelKey } };
    }
  }
  showMessage('error', key, args, code);
}

function rateLimited(seconds, buttons) {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    showMessage('error', 'error.RATE_LIMITED.later', null, 'RATE_LIMITED');
    return;
  }
  let left = Math.ceil(seconds);
  const text = showMessage('error', 'error.RATE_LIMITED', { seconds: left }, 'RATE_LIMITED');
  for (const b of buttons) {
    b.dataset.rateLimited = 'true';
    b.disabled = true;
  }
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      // Announce the wait once; the ticking number itself stays quiet for screen readers.
      text.setAttribute('aria-live', 'off');
      setText(text, 'error.RATE_LIMITED', { seconds: left });
      return;
    }
    const active = countdown;
    countdown = null;
    clearInterval(timer);
    for (const b of active ? active.buttons : []) {
      delete b.dataset.rateLimited;
      b.disabled = false;
    }
    showMessage('info', 'error.RATE_LIMITED.over');
  }, 1000);
  countdown = { timer, buttons };
}

/** An error found in the browser before asking the server; same shape as ApiError where it matters. */
export class ClientError extends Error {
  constructor(code, input) {
    super(code);
    this.code = code;
    this.input = input || null;
    this.handled = false;
  }
}
