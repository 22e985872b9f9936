// Entry point: picks the language, asks the server who we are and shows the matching screen.
// Paths: /login, /setup#t=…, /invite#t=…, /console/<pane>. Tokens live in the fragment so they never
// reach server logs.

import { api, clearCsrfToken, onAuthFailure, setCsrfToken } from './api.js';
import { detectLanguage, setLanguage } from './i18n.js';
import { flash, showError } from './messages.js';
import { navigate, setAddress, setRouteHandler, fragmentToken } from './router.js';
import { renderFirstRun, renderLogin, renderSecondFactor, renderSetup, renderInvite, renderEnrol, renderStartupError } from './auth.js';
import { mountConsole, consoleMounted, showPane, allowedPanes, unmountConsole, currentUser } from './console.js';

const DEFAULT_PANE = 'chats';

/** Hooks handed to the auth screens. */
const authHooks = {
  proceed: (stage, user) => proceed(stage, user),
  signOut: () => signOut(),
  onFatal: () => route(),
};

/** Hooks handed to the console frame. */
const consoleHooks = {
  navigatePane: (name, opts = {}) => {
    setAddress(`/console/${name}`, { replace: Boolean(opts.replace) });
    showPane(name, { focus: !opts.replace, keepMessage: Boolean(opts.replace) });
  },
  signOut: () => signOut(),
  sessionEnded: () => sessionEnded(),
  reroute: () => {
    leaveConsole();
    return route();
  },
};

function leaveConsole() {
  // Also when the frame is no longer on screen: its socket and timers must stop either way.
  unmountConsole();
}

/** After a successful auth step: show the next stage. */
async function proceed(stage, user) {
  if (stage === 'ENROL') {
    setAddress('/login');
    leaveConsole();
    return renderEnrol(authHooks);
  }
  if (stage === 'SECOND_FACTOR') {
    setAddress('/login');
    leaveConsole();
    return renderSecondFactor(authHooks);
  }
  if (stage === 'FULL') {
    if (!user) {
      return navigate(`/console/${DEFAULT_PANE}`, { replace: true });
    }
    setAddress(`/console/${DEFAULT_PANE}`);
    return enterConsole(user, DEFAULT_PANE, '');
  }
  return route();
}

function enterConsole(user, pane, search) {
  mountConsole(user, consoleHooks);
  showPane(pane, { search, keepMessage: true });
}

async function signOut() {
  try {
    await api('POST', '/api/auth/logout', {});
  } catch (err) {
    // The session may already be gone; signing out locally is what the user asked for.
    if (!err.handled && err.code !== 'UNAUTHENTICATED' && err.code !== 'SESSION_EXPIRED') showError(err);
  }
  clearCsrfToken();
  leaveConsole();
  // Straight to the sign-in form: signing in again replaces whatever half-finished session is left.
  flash('info', 'login.signedOut');
  setAddress('/login', { replace: false });
  renderLogin(authHooks);
}

function sessionEnded() {
  clearCsrfToken();
  leaveConsole();
  flash('info', 'login.sessionEnded', null, 'SESSION_ENDED');
  navigate('/login');
}

function consolePaneFromPath(path) {
  const m = /^\/console\/([a-z]+)\/?$/.exec(path);
  return m ? m[1] : null;
}

/** Renders whatever the current location names. */
async function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/';

  // Moving between panes needs no round trip: the 30-second poll watches the session.
  if (path.startsWith('/console/') && consoleMounted()) {
    const pane = consolePaneFromPath(path);
    const user = currentUser();
    if (pane && allowedPanes(user).includes(pane)) {
      showPane(pane, { search: location.search });
      return;
    }
    setAddress(`/console/${DEFAULT_PANE}`);
    showPane(DEFAULT_PANE);
    return;
  }

  let me;
  try {
    me = await api('GET', '/api/auth/me');
  } catch (err) {
    leaveConsole();
    renderStartupError(err, route);
    return;
  }
  setCsrfToken(me.csrfToken);

  if (me.setupRequired) {
    leaveConsole();
    const token = path === '/setup' ? fragmentToken() : null;
    if (token) renderSetup(token, authHooks);
    else renderFirstRun({ missingToken: path === '/setup' });
    return;
  }

  if (path === '/invite') {
    leaveConsole();
    const token = fragmentToken();
    if (token) {
      renderInvite(token, authHooks);
      return;
    }
    flash('error', 'error.INVITE_INVALID', null, 'INVITE_INVALID');
  } else if (path === '/setup') {
    flash('error', 'error.SETUP_NOT_AVAILABLE', null, 'SETUP_NOT_AVAILABLE');
  }

  if (!me.authenticated) {
    leaveConsole();
    setAddress('/login');
    renderLogin(authHooks);
    return;
  }
  if (me.stage === 'ENROL' || me.stage === 'SECOND_FACTOR') {
    await proceed(me.stage, me.user);
    return;
  }

  const user = me.user;
  let pane = consolePaneFromPath(path);
  if (!pane || !allowedPanes(user).includes(pane)) {
    pane = DEFAULT_PANE;
    setAddress(`/console/${pane}`);
  }
  enterConsole(user, pane, location.search);
}

async function start() {
  try {
    await setLanguage(detectLanguage());
  } catch {
    await setLanguage('en').catch(() => {});
  }
  setRouteHandler(route);
  onAuthFailure(() => {
    if (!consoleMounted()) return false;
    sessionEnded();
    return true;
  });
  window.addEventListener('popstate', () => route());
  await route();
}

start();
