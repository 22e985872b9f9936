// Account pane: who I am and where I am signed in. Revoking another session ends it at once; revoking
// the current one is the same as signing out.

import { api, enc } from './api.js';
import { h } from './dom.js';
import { sessionsTable } from './sessions.js';
import { showError, showSuccess } from './messages.js';
import { telegramCard } from './telegram.js';

export function renderAccount(container, { user, signOut }) {
  const sessionsBox = h('div', { class: 'stack', 'aria-busy': 'true' }, h('p', { class: 'muted', t: 'common.loading' }));
  container.replaceChildren(
    h('header', { class: 'pane-header' },
      h('h1', { class: 'pane-title', tabindex: '-1', t: 'account.title' }),
      h('p', { class: 'pane-lead', t: 'account.lead' })),
    h('section', { class: 'card', 'aria-labelledby': 'account-profile-h' },
      h('h2', { id: 'account-profile-h', class: 'card-title', t: 'account.profile' }),
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', { t: 'account.name' }), h('dd', { text: user.name })),
        h('div', {}, h('dt', { t: 'account.email' }), h('dd', { text: user.email })),
        h('div', {}, h('dt', { t: 'account.role' }), h('dd', { t: `role.${user.role}`, tfallback: user.role })))),
    h('section', { class: 'card', 'aria-labelledby': 'account-sessions-h' },
      h('h2', { id: 'account-sessions-h', class: 'card-title', tabindex: '-1', t: 'account.sessions' }),
      h('p', { class: 'muted', t: 'account.sessionsLead' }),
      sessionsBox),
    telegramCard(),
  );

  async function load() {
    try {
      const list = await api('GET', '/api/auth/sessions');
      sessionsBox.removeAttribute('aria-busy');
      sessionsBox.replaceChildren(sessionsTable('my-sessions', list || [], { onRevoke: revoke, caption: 'account.sessions' }));
    } catch (err) {
      sessionsBox.removeAttribute('aria-busy');
      sessionsBox.replaceChildren(h('p', { class: 'muted', t: 'common.loadFailed' }));
      showError(err);
    }
  }

  async function revoke(session, btn) {
    if (session.current) {
      await signOut();
      return;
    }
    btn.disabled = true;
    try {
      await api('DELETE', `/api/auth/sessions/${enc(session.id)}`);
      showSuccess('sessions.revoked');
      await load();
      container.querySelector('#account-sessions-h')?.focus();
    } catch (err) {
      btn.disabled = false;
      showError(err);
    }
  }

  load();
}
