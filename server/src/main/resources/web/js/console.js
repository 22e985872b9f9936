// The agent console frame: top bar, the pane navigation and main#pane. Polls /api/auth/me every 30 s
// (and when the tab becomes visible) so a revoked or expired session is noticed promptly. Opens the one
// realtime socket (/ws, cookie auth) for as long as the console is mounted; panes subscribe to it.

import { api } from './api.js';
import { h, icon, logo } from './dom.js';
import { langSwitch, mountScreen, setTitle, placeMessageRegion } from './layout.js';
import { clearMessage } from './messages.js';
import { isPlainClick } from './router.js';
import { renderAccount } from './account.js';
import { renderAdmin } from './admin.js';
import { createSocket, socketUrl } from './socket.js';
import { startChats, stopChats, renderChats, leaveChats, openFromOutside } from './chats.js';
import { startCalls, stopCalls, renderCalls, leaveCalls } from './calls.js';
import { renderRemote, leaveRemote } from './remote.js';
import { presenceControl, startPresence, stopPresence } from './presence.js';

export const PANES = ['chats', 'calls', 'remote', 'history', 'admin', 'account'];
const POLL_MS = 30000;

let frame = null; // { root, nav, pane, body, userEl, user, current, hooks, timer, socket }

/** The console's realtime socket (null while no console is mounted), for panes that need it. */
export function consoleSocket() {
  return frame ? frame.socket : null;
}

export function consoleMounted() {
  return frame !== null && frame.root.isConnected;
}

export function currentUser() {
  return frame ? frame.user : null;
}

/** Which panes this user may open. */
export function allowedPanes(user) {
  return PANES.filter((p) => p !== 'admin' || (user && user.role === 'ADMIN'));
}

/**
 * Builds the frame. hooks: { navigatePane(name), signOut(), sessionEnded(), reroute() }.
 */
export function mountConsole(user, hooks) {
  unmountConsole();
  const userEl = h('span', { id: 'current-user', class: 'current-user', text: user.name });
  const logout = h('button', { type: 'button', id: 'logout', class: 'btn btn-ghost btn-small' },
    icon('logout'), h('span', { class: 'logout-label', t: 'console.logout' }));
  logout.addEventListener('click', () => hooks.signOut());
  const presence = presenceControl();

  const nav = h('nav', { id: 'console-nav', class: 'console-nav', tattrs: { 'aria-label': 'console.navLabel' } });
  const body = h('div', { class: 'pane-body' });
  const pane = h('main', { id: 'pane', class: 'pane', tabindex: '-1' }, h('div', { class: 'message-slot' }), body);

  const root = h('div', { class: 'console' },
    h('a', { href: '#pane', class: 'skip-link', t: 'console.skip',
      on: { click: (ev) => { ev.preventDefault(); pane.focus(); } } }),
    h('header', { class: 'topbar' },
      h('a', { href: '/console/chats', class: 'brand brand-link',
        on: { click: (ev) => { if (isPlainClick(ev)) { ev.preventDefault(); hooks.navigatePane('chats'); } } } },
      logo(), h('span', { class: 'brand-name', t: 'app.name' })),
      h('div', { class: 'topbar-right' },
        h('div', { class: 'who' }, icon('account', 'who-icon'), userEl),
        presence,
        langSwitch(),
        logout)),
    nav,
    pane);

  frame = { root, nav, pane, body, userEl, presence, user, current: null, hooks, timer: null, socket: null };
  buildNav();
  mountScreen(root);
  startPolling();
  startSocket();
}

function startSocket() {
  const socket = createSocket(socketUrl());
  frame.socket = socket;
  // A refused upgrade or a revoked session closes the socket: ask the server where we stand.
  socket.on('close', ({ opened, code }) => {
    if (!opened || code === 4401) poll();
  });
  socket.on('bye', (f) => {
    if (f.reason === 'SESSION_REVOKED') poll();
  });
  startChats({
    user: frame.user,
    socket,
    openPane: () => {
      if (frame && frame.current !== 'chats') frame.hooks.navigatePane('chats');
    },
    setNavBadge,
  });
  startCalls({
    user: frame.user,
    socket,
    root: frame.root,
    openPane: () => {
      if (frame && frame.current !== 'calls') frame.hooks.navigatePane('calls');
    },
    openConversation: (id) => openFromOutside(id),
    setNavBadge,
  });
  startPresence({ socket, user: frame.user, button: frame.presence });
  socket.start();
}

/** A count on a pane's navigation link (hidden at 0). */
export function setNavBadge(name, count) {
  if (!frame) return;
  const badge = frame.nav.querySelector(`a[data-pane="${name}"] .nav-badge`);
  if (!badge) return;
  badge.hidden = !(count > 0);
  badge.textContent = count > 0 ? String(count) : '';
}

function buildNav() {
  const { nav, user, hooks } = frame;
  const list = h('ul', { class: 'nav-list' }, allowedPanes(user).map((name) => {
    const a = h('a', { href: `/console/${name}`, class: 'nav-link', dataset: { pane: name } },
      icon(name), h('span', { class: 'nav-text', t: `nav.${name}` }),
      name === 'chats' || name === 'calls' ? h('span', { class: 'nav-badge', hidden: true }) : null);
    a.addEventListener('click', (ev) => {
      if (!isPlainClick(ev)) return;
      ev.preventDefault();
      hooks.navigatePane(name);
    });
    return h('li', {}, a);
  }));
  nav.replaceChildren(list);
  markActive();
}

function markActive() {
  for (const a of frame.nav.querySelectorAll('a[data-pane]')) {
    if (a.dataset.pane === frame.current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** Updates the signed-in user (after a poll); rebuilds the nav if the role changed. */
export function updateUser(user) {
  if (!frame) return;
  const roleChanged = frame.user.role !== user.role;
  frame.user = user;
  frame.userEl.textContent = user.name;
  if (roleChanged) {
    buildNav();
    if (frame.current === 'admin' && user.role !== 'ADMIN') frame.hooks.navigatePane('chats', { replace: true });
  }
}

/** Shows a pane. `focus` moves keyboard focus to the pane heading (after user navigation). */
export function showPane(name, { focus = false, search = '', keepMessage = false } = {}) {
  const { pane, body, user, hooks } = frame;
  if (!keepMessage) clearMessage();
  placeMessageRegion(pane);
  leaveChats();
  leaveCalls();
  leaveRemote();
  frame.current = name;
  pane.dataset.pane = name;
  markActive();
  setTitle(`nav.${name}`);
  const ctx = { user, signOut: hooks.signOut, search };
  body.replaceChildren();
  body.className = `pane-body pane-${name}`;
  switch (name) {
    case 'chats':
      renderChats(body, ctx);
      break;
    case 'calls':
      renderCalls(body, ctx);
      break;
    case 'remote':
      renderRemote(body, ctx);
      break;
    case 'account':
      renderAccount(body, ctx);
      break;
    case 'admin':
      renderAdmin(body, ctx);
      break;
    default:
      renderEmpty(body, name);
  }
  if (focus) {
    const heading = body.querySelector('h1');
    if (heading) heading.focus();
  }
}

function renderEmpty(body, name) {
  body.append(
    h('header', { class: 'pane-header' },
      h('h1', { class: 'pane-title', tabindex: '-1', t: `nav.${name}` })),
    h('section', { class: 'empty-state' },
      h('div', { class: 'empty-icon' }, icon(name)),
      h('h2', { class: 'empty-title', t: `pane.${name}.emptyTitle` }),
      h('p', { class: 'empty-text', t: `pane.${name}.emptyText` })));
}

// --- session watch ---

function startPolling() {
  frame.timer = setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', onVisible);
}

export function stopPolling() {
  if (frame && frame.timer) clearInterval(frame.timer);
  document.removeEventListener('visibilitychange', onVisible);
}

/** Forgets the frame (when leaving the console). */
export function unmountConsole() {
  stopPolling();
  leaveChats();
  stopChats();
  leaveCalls();
  stopCalls();
  leaveRemote();
  stopPresence();
  if (frame && frame.socket) frame.socket.stop();
  frame = null;
}

function onVisible() {
  if (document.visibilityState === 'visible' && consoleMounted()) poll();
}

async function poll() {
  if (!consoleMounted()) {
    stopPolling();
    return;
  }
  const hooks = frame.hooks;
  let me;
  try {
    me = await api('GET', '/api/auth/me');
  } catch {
    return; // a network blip or a handled 401; the next poll tries again
  }
  if (!consoleMounted()) return;
  if (!me.authenticated) hooks.sessionEnded();
  else if (me.stage !== 'FULL') hooks.reroute();
  else if (me.user) updateUser(me.user);
}
