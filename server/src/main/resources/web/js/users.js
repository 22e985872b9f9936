// Admin → Users: the team table with per-user actions, another user's sessions, invitations.

import { api, enc } from './api.js';
import { h, none, setText } from './dom.js';
import { field, selectField, submitButton, onSubmit, requireEmail, copyText, button } from './forms.js';
import { showError, showSuccess, showMessage } from './messages.js';
import { dataTable, td, emptyRow, loadingRow } from './tables.js';
import { sessionsTable } from './sessions.js';
import { updateUser } from './console.js';

const USER_COLUMNS = [
  { key: 'users.user' },
  { key: 'users.role' },
  { key: 'users.status' },
  { key: 'users.secondFactor' },
  { key: 'users.lastLogin' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

const INVITE_COLUMNS = [
  { key: 'invites.email' },
  { key: 'invites.name' },
  { key: 'invites.role' },
  { key: 'invites.createdAt' },
  { key: 'invites.expires' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

export function renderUsers(panel, ctx) {
  const me = ctx.user;
  const users = dataTable({ id: 'users', caption: 'users.title', columns: USER_COLUMNS, cls: 'users-table' });
  users.tbody.append(loadingRow(USER_COLUMNS.length));

  const sessionsTitle = h('h2', { id: 'user-sessions-h', class: 'card-title', tabindex: '-1', t: 'users.sessionsOf', targs: { name: '' } });
  const sessionsBody = h('div', { class: 'stack' });
  const closeSessions = button('common.close', { cls: 'btn btn-ghost btn-small', iconName: 'close', attrs: { id: 'user-sessions-close' } });
  const sessionsPanel = h('section', { id: 'user-sessions-panel', class: 'card', hidden: true, 'aria-labelledby': 'user-sessions-h' },
    h('div', { class: 'card-head' }, sessionsTitle, closeSessions),
    sessionsBody);
  let sessionsUser = null;
  let sessionsOpener = null;
  closeSessions.addEventListener('click', () => {
    sessionsPanel.hidden = true;
    sessionsUser = null;
    if (sessionsOpener && sessionsOpener.isConnected) sessionsOpener.focus();
  });

  // --- invite form ---
  const inviteEmail = field({ id: 'invite-create-email', label: 'invites.email', type: 'email', autocomplete: 'off', attrs: { inputmode: 'email', spellcheck: 'false', autocapitalize: 'none' } });
  const inviteName = field({ id: 'invite-create-name', label: 'invites.name', optional: true, autocomplete: 'off' });
  const inviteRole = selectField({ id: 'invite-create-role', label: 'invites.role', value: 'AGENT', options: [
    { value: 'AGENT', label: 'role.AGENT' },
    { value: 'ADMIN', label: 'role.ADMIN' },
  ] });
  const inviteSubmit = submitButton('invite-create-submit', 'invites.create');
  const inviteForm = h('form', { id: 'invite-create-form', class: 'form form-grid', method: 'post', action: '/console/admin' },
    inviteEmail.wrap, inviteName.wrap, inviteRole.wrap, h('div', { class: 'form-grid-actions' }, inviteSubmit));

  const linkInput = h('input', { id: 'invite-link', type: 'text', readonly: true, class: 'mono', spellcheck: 'false' });
  const linkCopy = button('common.copy', { cls: 'btn btn-secondary', iconName: 'copy', attrs: { id: 'invite-link-copy' } });
  linkCopy.addEventListener('click', async () => {
    if (await copyText(linkInput.value, linkInput)) showSuccess('invites.copied');
    else showMessage('error', 'error.COPY_FAILED', null, 'COPY_FAILED');
  });
  linkInput.addEventListener('focus', () => linkInput.select());
  const linkInfo = h('p', { class: 'muted small' });
  const inviteResult = h('div', { class: 'invite-result', hidden: true },
    h('label', { for: 'invite-link', class: 'field-label' }, h('span', { t: 'invites.link' })),
    h('div', { class: 'input-with-button' }, linkInput, linkCopy),
    linkInfo);

  const invites = dataTable({ id: 'invites', caption: 'invites.pending', columns: INVITE_COLUMNS });
  invites.tbody.append(loadingRow(INVITE_COLUMNS.length));

  panel.append(
    h('section', { class: 'card', 'aria-labelledby': 'users-h' },
      h('h2', { id: 'users-h', class: 'card-title', t: 'users.title' }),
      users.wrap),
    sessionsPanel,
    h('section', { class: 'card', 'aria-labelledby': 'invite-h' },
      h('h2', { id: 'invite-h', class: 'card-title', t: 'invites.title' }),
      h('p', { class: 'muted', t: 'invites.lead' }),
      inviteForm,
      inviteResult),
    h('section', { class: 'card', 'aria-labelledby': 'invites-h' },
      h('h2', { id: 'invites-h', class: 'card-title', tabindex: '-1', t: 'invites.pending' }),
      invites.wrap));

  onSubmit(inviteForm, inviteSubmit, async () => {
    const body = { email: requireEmail(inviteEmail.input), role: inviteRole.select.value };
    const name = inviteName.input.value.trim();
    if (name) body.name = name;
    const res = await api('POST', '/api/admin/invites', body);
    linkInput.value = res.link || '';
    linkInfo.replaceChildren(h('span', { t: 'invites.linkFor', targs: { email: res.email || body.email } }), ' ',
      res.expiresAt ? h('span', {}, h('span', { t: 'invites.expiresAt' }), ' ', h('time', { dt: res.expiresAt })) : null);
    inviteResult.hidden = false;
    inviteEmail.input.value = '';
    inviteName.input.value = '';
    inviteRole.select.value = 'AGENT';
    showSuccess('invites.created', { email: res.email || body.email });
    linkInput.focus();
    await loadInvites();
  }, { fields: { email: inviteEmail.input, name: inviteName.input, role: inviteRole.select } });

  // --- users ---

  async function loadUsers() {
    try {
      const list = (await api('GET', '/api/admin/users')) || [];
      users.tbody.replaceChildren();
      if (list.length === 0) users.tbody.append(emptyRow(USER_COLUMNS.length, 'users.none'));
      list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      for (const u of list) users.tbody.append(userRow(u));
    } catch (err) {
      users.tbody.replaceChildren(emptyRow(USER_COLUMNS.length, 'common.loadFailed'));
      showError(err);
    }
  }

  function userRow(u) {
    const status = u.disabled ? 'disabled' : u.locked ? 'locked' : 'active';
    const tr = h('tr', { dataset: { userId: u.id, role: u.role, status } });
    const act = (cls, label, handler, extra = {}) => {
      const b = h('button', { type: 'button', class: ['btn', 'btn-small', extra.danger ? 'btn-danger-outline' : 'btn-secondary', cls], disabled: extra.disabled || false },
        h('span', { t: label }));
      b.addEventListener('click', () => handler(b));
      return b;
    };
    const actions = [
      act('set-role', u.role === 'ADMIN' ? 'users.makeAgent' : 'users.makeAdmin',
        (b) => update(u, b, 'set-role', () => api('PATCH', `/api/admin/users/${enc(u.id)}`, { role: u.role === 'ADMIN' ? 'AGENT' : 'ADMIN' }), 'users.roleChanged')),
      act('toggle-disabled', u.disabled ? 'users.enable' : 'users.disable',
        (b) => update(u, b, 'toggle-disabled', () => api('PATCH', `/api/admin/users/${enc(u.id)}`, { disabled: !u.disabled }), u.disabled ? 'users.enabled' : 'users.disabled'),
        { danger: !u.disabled }),
      u.locked ? act('unlock', 'users.unlock',
        (b) => update(u, b, 'unlock', () => api('POST', `/api/admin/users/${enc(u.id)}/unlock`, {}), 'users.unlocked')) : null,
      act('reset-second-factor', 'users.resetSecondFactor',
        (b) => update(u, b, 'reset-second-factor', () => api('POST', `/api/admin/users/${enc(u.id)}/reset-second-factor`, {}), 'users.secondFactorReset'),
        { danger: true, disabled: !u.secondFactor }),
      act('show-sessions', 'users.showSessions', (b) => showSessions(u, b)),
    ];
    const statusBadges = [];
    if (u.disabled) statusBadges.push(h('span', { class: 'badge badge-muted', t: 'users.status.disabled' }));
    if (u.locked) statusBadges.push(h('span', { class: 'badge badge-warn', t: 'users.status.locked' }));
    if (!u.disabled && !u.locked) statusBadges.push(h('span', { class: 'badge badge-ok', t: 'users.status.active' }));
    tr.append(
      td('users.user', { class: 'cell-strong' }, h('div', { class: 'user-cell' },
        h('span', {}, h('span', { class: 'user-name', text: u.name }),
          me && me.id === u.id ? h('span', { class: 'badge badge-accent', t: 'users.you' }) : null),
        h('span', { class: 'user-email', text: u.email }))),
      td('users.role', {}, h('span', { class: ['badge', u.role === 'ADMIN' ? 'badge-accent' : 'badge-muted'], t: `role.${u.role}`, tfallback: u.role })),
      td('users.status', {}, statusBadges),
      td('users.secondFactor', {}, u.secondFactor
        ? h('span', { t: `secondFactor.${u.secondFactor}`, tfallback: u.secondFactor })
        : h('span', { class: 'muted', t: 'secondFactor.none' })),
      td('users.lastLogin', {}, h('time', { dt: u.lastLoginAt || null })),
      td('common.actions', { class: 'cell-actions' }, h('div', { class: 'btn-row' }, actions)));
    return tr;
  }

  async function update(u, btn, cls, call, doneKey) {
    btn.disabled = true;
    try {
      const updated = await call();
      const fresh = updated && updated.id ? updated : u;
      const old = users.tbody.querySelector(`tr[data-user-id="${CSS.escape(String(u.id))}"]`);
      const row = userRow(fresh);
      if (old) old.replaceWith(row);
      showSuccess(doneKey, { name: fresh.name });
      if (me && fresh.id === me.id && fresh.role && fresh.role !== me.role) {
        // I changed my own role: the console (and this pane's rights) follow at once.
        updateUser({ ...me, role: fresh.role });
        return;
      }
      const again = row.querySelector(`button.${cls}:not([disabled])`) || row.querySelector('button.show-sessions');
      if (again) again.focus();
      if (sessionsUser && sessionsUser.id === fresh.id && cls !== 'show-sessions') await loadSessions(fresh);
    } catch (err) {
      if (btn.isConnected) btn.disabled = false;
      showError(err);
    }
  }

  async function showSessions(u, btn) {
    sessionsOpener = btn;
    sessionsUser = u;
    setText(sessionsTitle, 'users.sessionsOf', { name: u.name });
    sessionsPanel.hidden = false;
    await loadSessions(u);
    sessionsTitle.focus();
    sessionsPanel.scrollIntoView({ block: 'nearest', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  }

  async function loadSessions(u) {
    sessionsBody.replaceChildren(h('p', { class: 'muted', t: 'common.loading' }));
    try {
      const list = (await api('GET', `/api/admin/users/${enc(u.id)}/sessions`)) || [];
      if (sessionsUser !== u && (!sessionsUser || sessionsUser.id !== u.id)) return;
      sessionsBody.replaceChildren(sessionsTable('user-sessions', list.map((s) => ({ ...s, current: false })), {
        caption: 'users.sessionsCaption',
        onRevoke: async (s, b) => {
          b.disabled = true;
          try {
            await api('DELETE', `/api/admin/sessions/${enc(s.id)}`);
            showSuccess('sessions.revoked');
            await loadSessions(u);
            sessionsTitle.focus();
          } catch (err) {
            if (b.isConnected) b.disabled = false;
            showError(err);
          }
        },
      }));
    } catch (err) {
      sessionsBody.replaceChildren(h('p', { class: 'muted', t: 'common.loadFailed' }));
      showError(err);
    }
  }

  // --- invites ---

  async function loadInvites() {
    try {
      const list = (await api('GET', '/api/admin/invites')) || [];
      invites.tbody.replaceChildren();
      if (list.length === 0) invites.tbody.append(emptyRow(INVITE_COLUMNS.length, 'invites.none'));
      for (const inv of list) invites.tbody.append(inviteRow(inv));
    } catch (err) {
      invites.tbody.replaceChildren(emptyRow(INVITE_COLUMNS.length, 'common.loadFailed'));
      showError(err);
    }
  }

  function inviteRow(inv) {
    const revoke = h('button', { type: 'button', class: 'btn btn-small btn-danger-outline revoke-invite' }, h('span', { t: 'invites.revoke' }));
    revoke.addEventListener('click', async () => {
      revoke.disabled = true;
      try {
        await api('DELETE', `/api/admin/invites/${enc(inv.id)}`);
        showSuccess('invites.revoked', { email: inv.email });
        await loadInvites();
        panel.querySelector('#invites-h')?.focus();
      } catch (err) {
        if (revoke.isConnected) revoke.disabled = false;
        showError(err);
      }
    });
    return h('tr', { dataset: { inviteId: inv.id } },
      td('invites.email', { class: 'cell-strong cell-break' }, inv.email),
      td('invites.name', {}, inv.name ? inv.name : none()),
      td('invites.role', {}, h('span', { class: 'badge badge-muted', t: `role.${inv.role}`, tfallback: inv.role })),
      td('invites.createdAt', {}, h('time', { dt: inv.createdAt || null })),
      td('invites.expires', {}, h('time', { dt: inv.expiresAt || null })),
      td('common.actions', { class: 'cell-actions' }, revoke));
  }

  loadUsers();
  loadInvites();
}

function prefersReducedMotion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
