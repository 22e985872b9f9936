// Admin pane: tabs for users (with invites), live chat (canned replies, agents' capacity), remote desktop
// (lock-outs after wrong one-time passwords), the audit log
// and organisation settings. The open tab is
// kept in the address as ?tab= so a reload stays where the admin was.

import { api } from './api.js';
import { h } from './dom.js';
import { field, submitButton, onSubmit, requireValue } from './forms.js';
import { clearMessage, showSuccess, showError } from './messages.js';
import { setAddress } from './router.js';
import { renderUsers } from './users.js';
import { renderAudit } from './audit.js';
import { renderChatAdmin } from './admin-chat.js';
import { renderRemoteAdmin } from './admin-remote.js';

const TABS = ['users', 'chat', 'remote', 'audit', 'settings'];

export function renderAdmin(container, ctx) {
  const wanted = new URLSearchParams(ctx.search || '').get('tab');
  let active = TABS.includes(wanted) ? wanted : 'users';

  const panel = h('div', { id: 'admin-panel', class: 'tab-panel', role: 'tabpanel', tabindex: '-1' });
  const tabs = TABS.map((name) => {
    const b = h('button', {
      type: 'button', role: 'tab', id: `admin-tab-${name}`, class: 'tab',
      'aria-controls': 'admin-panel', dataset: { tab: name }, t: `admin.tab.${name}`,
    });
    b.addEventListener('click', () => select(name, { user: true }));
    b.addEventListener('keydown', (ev) => {
      const i = TABS.indexOf(name);
      let next = null;
      if (ev.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length];
      else if (ev.key === 'ArrowLeft') next = TABS[(i - 1 + TABS.length) % TABS.length];
      else if (ev.key === 'Home') next = TABS[0];
      else if (ev.key === 'End') next = TABS[TABS.length - 1];
      if (next) {
        ev.preventDefault();
        select(next, { user: true });
        container.querySelector(`#admin-tab-${next}`).focus();
      }
    });
    return b;
  });

  container.replaceChildren(
    h('header', { class: 'pane-header' },
      h('h1', { class: 'pane-title', tabindex: '-1', t: 'admin.title' }),
      h('p', { class: 'pane-lead', t: 'admin.lead' })),
    h('div', { class: 'tabs', role: 'tablist', tattrs: { 'aria-label': 'admin.tabsLabel' } }, tabs),
    panel);

  function select(name, { user = false } = {}) {
    if (user && name === active && panel.childElementCount > 0) return;
    active = name;
    for (const b of tabs) {
      const on = b.dataset.tab === name;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      b.classList.toggle('is-active', on);
    }
    const current = tabs.find((b) => b.dataset.tab === name);
    if (current && current.isConnected) current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    panel.setAttribute('aria-labelledby', `admin-tab-${name}`);
    panel.dataset.tab = name;
    if (user) {
      clearMessage();
      setAddress(name === 'users' ? '/console/admin' : `/console/admin?tab=${name}`);
    }
    panel.replaceChildren();
    if (name === 'users') renderUsers(panel, ctx);
    else if (name === 'chat') renderChatAdmin(panel, ctx);
    else if (name === 'remote') renderRemoteAdmin(panel, ctx);
    else if (name === 'audit') renderAudit(panel, ctx);
    else renderSettings(panel);
  }

  select(active);
}

function renderSettings(panel) {
  const org = field({ id: 'settings-org-name', label: 'settings.orgName', autocomplete: 'organization', hint: 'settings.orgNameHint', attrs: { maxlength: '100' } });
  const submit = submitButton('settings-submit', 'settings.submit');
  // The stored value only fills the field if the admin has not started typing yet.
  let edited = false;
  org.input.addEventListener('input', () => { edited = true; }, { once: true });
  const form = h('form', { id: 'settings-form', class: 'form form-narrow', method: 'post', action: '/console/admin' },
    org.wrap, h('div', { class: 'actions' }, submit));
  onSubmit(form, submit, async () => {
    const res = await api('PUT', '/api/admin/settings', { organizationName: requireValue(org.input) });
    org.input.value = res && typeof res.organizationName === 'string' ? res.organizationName : org.input.value;
    showSuccess('settings.saved');
  }, { fields: { organizationName: org.input } });

  panel.append(h('section', { class: 'card', 'aria-labelledby': 'settings-h' },
    h('h2', { id: 'settings-h', class: 'card-title', t: 'settings.title' }),
    h('p', { class: 'muted', t: 'settings.lead' }),
    form));

  api('GET', '/api/admin/settings').then((res) => {
    if (!edited) org.input.value = (res && res.organizationName) || '';
  }).catch((err) => showError(err));
}
