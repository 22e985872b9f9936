// The agent's own presence in the console's top bar: Online or Away, sent as presence.set on the socket.
//
// The status sent is Away when the agent chose Away (kept in localStorage per user, so it survives
// reloads and holds in every tab) or when nobody touched any console tab of this browser (pointer, key,
// focus) for IDLE_MS; otherwise Online. Activity is shared between tabs through localStorage, so
// working in one tab keeps the others online too. The status is sent again after every 'hello', since a
// new connection starts out online on the server. localStorage['romotica.idleMs'] overrides the idle
// time (for tests).

import { h, setText } from './dom.js';

const IDLE_MS = 5 * 60 * 1000;
const IDLE_KEY = 'romotica.idleMs';
const CHOICE_KEY = 'romotica.presence.';
const ACTIVITY_KEY = 'romotica.activity';
/** Activity is written for other tabs at most this often. */
const SHARE_EVERY_MS = 5000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'focusin', 'wheel', 'touchstart'];

let state = null; // {socket, user, button, text, lastActivity, shared, idle, sent, timer, offs}

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage blocked: the choice lasts as long as this page
  }
}

function idleMs() {
  const n = Number(read(IDLE_KEY));
  return Number.isFinite(n) && n > 0 ? n : IDLE_MS;
}

/** The button for the top bar (#presence-toggle); it shows the status once startPresence runs. */
export function presenceControl() {
  const text = h('span', { class: 'presence-text', t: 'presence.online' });
  const button = h('button', {
    type: 'button', id: 'presence-toggle', class: 'btn btn-ghost btn-small presence-toggle', dataset: { status: 'online' },
  }, h('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
  h('span', { class: 'visually-hidden', t: 'presence.label' }), text,
  h('span', { class: 'visually-hidden presence-hint', t: 'presence.hint.toAway' }));
  button.addEventListener('click', () => toggle());
  return button;
}

/** Starts tracking activity and sending the status over `socket` for `user`. */
export function startPresence({ socket, user, button }) {
  stopPresence();
  const now = Date.now();
  state = {
    socket, user, button, lastActivity: now, shared: 0, idle: false, sent: null, manualAway: false, timer: null, offs: [],
  };
  state.manualAway = read(CHOICE_KEY + user.id) === 'away';
  const onActivity = () => activity();
  for (const ev of ACTIVITY_EVENTS) document.addEventListener(ev, onActivity, { capture: true, passive: true });
  window.addEventListener('focus', onActivity);
  window.addEventListener('storage', onStorage);
  state.offs.push(() => {
    for (const ev of ACTIVITY_EVENTS) document.removeEventListener(ev, onActivity, { capture: true });
    window.removeEventListener('focus', onActivity);
    window.removeEventListener('storage', onStorage);
  });
  // A new connection starts online on the server: tell it where this agent stands.
  state.offs.push(socket.on('hello', () => {
    if (!state) return;
    state.sent = null;
    apply();
  }));
  shareActivity(now);
  schedule();
  apply();
}

export function stopPresence() {
  if (!state) return;
  clearTimeout(state.timer);
  for (const off of state.offs) off();
  state = null;
}

function shareActivity(now) {
  state.shared = now;
  write(ACTIVITY_KEY, String(now));
}

function activity() {
  if (!state) return;
  const now = Date.now();
  state.lastActivity = now;
  if (now - state.shared >= SHARE_EVERY_MS) shareActivity(now);
  if (state.idle) {
    state.idle = false;
    apply();
    schedule();
  }
}

function onStorage(ev) {
  if (!state) return;
  if (ev.key === ACTIVITY_KEY) {
    const at = Number(ev.newValue);
    if (Number.isFinite(at) && at > state.lastActivity) {
      state.lastActivity = at;
      if (state.idle) {
        state.idle = false;
        apply();
        schedule();
      }
    }
  } else if (ev.key === CHOICE_KEY + state.user.id) {
    // The agent chose in another tab.
    state.manualAway = ev.newValue === 'away';
    apply();
  }
}

/** Checks for idleness when the idle time since the last known activity will have passed. */
function schedule() {
  clearTimeout(state.timer);
  const limit = idleMs();
  const shared = Number(read(ACTIVITY_KEY));
  if (Number.isFinite(shared) && shared > state.lastActivity) state.lastActivity = shared;
  const left = state.lastActivity + limit - Date.now();
  if (left <= 0) {
    if (!state.idle) {
      state.idle = true;
      apply();
    }
    return; // the next activity schedules again
  }
  state.timer = setTimeout(() => {
    if (state) schedule();
  }, Math.min(left + 50, 60000));
}

function toggle() {
  if (!state) return;
  const away = state.manualAway || state.idle;
  state.manualAway = !away;
  write(CHOICE_KEY + state.user.id, state.manualAway ? 'away' : null);
  if (!state.manualAway) {
    state.idle = false;
    state.lastActivity = Date.now();
    shareActivity(state.lastActivity);
    schedule();
  }
  apply();
}

function apply() {
  const status = state.manualAway || state.idle ? 'away' : 'online';
  if (state.sent !== status && state.socket.send({ type: 'presence.set', status })) state.sent = status;
  const b = state.button;
  b.dataset.status = status;
  b.dataset.auto = String(status === 'away' && !state.manualAway);
  setText(b.querySelector('.presence-text'), status === 'online' ? 'presence.online' : state.manualAway ? 'presence.away' : 'presence.awayIdle');
  setText(b.querySelector('.presence-hint'), status === 'online' ? 'presence.hint.toAway' : 'presence.hint.toOnline');
}
