// The team's canned replies (GET /api/chat/canned), kept for the console's lifetime: loaded once when the
// chat store starts, again after each (re)connect of the socket, and replaced at once when an admin edits
// them in this console (Admin → Live chat). The composer's "/shortcut" suggestions read them from here.
// The server announces no changes, so another admin's edit reaches this console with its next reconnect
// or reload.

import { api } from './api.js';

/** Lower-case letters, digits, - or _, 1 to 32 (as the server checks it). */
export const SHORTCUT = /^[\p{Ll}\p{N}_-]{1,32}$/u;

let replies = [];
let pending = null;
const listeners = new Set();

/** The replies as last loaded, by shortcut: [{id, shortcut, body, updatedAt}]. */
export function cannedReplies() {
  return replies;
}

/** Loads the replies again (one request at a time); a failure keeps the ones already known. */
export function refreshCanned() {
  if (pending) return pending;
  pending = api('GET', '/api/chat/canned')
    .then((list) => setCanned(Array.isArray(list) ? list : []))
    .catch(() => {})
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** Replaces the known replies (after an admin's change, or a load). */
export function setCanned(list) {
  replies = list
    .filter((r) => r && typeof r.shortcut === 'string' && typeof r.body === 'string')
    .sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  for (const fn of [...listeners]) fn(replies);
}

/** Forgets them (signing out). */
export function clearCanned() {
  replies = [];
}

export function onCannedChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Replies whose shortcut starts with `typed` (then those that contain it), at most `max`. */
export function matchCanned(typed, max = 8) {
  const q = typed.toLowerCase();
  const starts = replies.filter((r) => r.shortcut.startsWith(q));
  const contains = q ? replies.filter((r) => !r.shortcut.startsWith(q) && r.shortcut.includes(q)) : [];
  return [...starts, ...contains].slice(0, max);
}
