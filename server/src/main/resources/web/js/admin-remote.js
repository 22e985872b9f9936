// Admin → Remote: host IDs and source addresses in brute-force back-off after wrong one-time passwords
// (the same counters every node checks), each with its failures and when the back-off ends; Clear lifts one
// at once (audited).

import { api } from './api.js';
import { h } from './dom.js';
import { formatNumber } from './i18n.js';
import { showError, showSuccess } from './messages.js';
import { dataTable, td, emptyRow, loadingRow } from './tables.js';

const COLUMNS = [
  { key: 'lockouts.kind' },
  { key: 'lockouts.subject' },
  { key: 'lockouts.failures' },
  { key: 'lockouts.until' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

/** The key in the path, percent-encoded except its slash (IPv6 keys end in /64). */
function keyPath(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function renderRemoteAdmin(panel) {
  panel.append(lockoutSection());
}

function lockoutSection() {
  const table = dataTable({ id: 'remote-lockouts', caption: 'lockouts.title', columns: COLUMNS });
  table.tbody.append(loadingRow(COLUMNS.length));
  const refresh = h('button', { type: 'button', id: 'remote-lockouts-refresh', class: 'btn btn-secondary', t: 'lockouts.refresh' });
  refresh.addEventListener('click', () => load());

  async function load() {
    try {
      const list = await api('GET', '/api/admin/remote/lockouts');
      table.tbody.replaceChildren();
      if (!Array.isArray(list) || list.length === 0) {
        table.tbody.append(emptyRow(COLUMNS.length, 'lockouts.none'));
        return;
      }
      table.tbody.append(...list.map(row));
    } catch (err) {
      table.tbody.replaceChildren(emptyRow(COLUMNS.length, 'common.loadFailed'));
      showError(err);
    }
  }

  function row(l) {
    const clear = h('button', { type: 'button', class: 'btn btn-secondary lockout-clear' },
      h('span', { t: 'lockouts.clear' }), h('span', { class: 'visually-hidden', text: ` ${l.subject}` }));
    clear.addEventListener('click', async () => {
      clear.disabled = true;
      try {
        await api('DELETE', `/api/admin/remote/lockouts/${keyPath(l.key)}`);
        showSuccess('lockouts.cleared', { subject: l.subject });
      } catch (err) {
        if (err.code !== 'NOT_FOUND') {
          if (clear.isConnected) clear.disabled = false;
          showError(err);
          return;
        }
      }
      await load();
      refresh.focus();
    });
    return h('tr', { dataset: { key: l.key } },
      td('lockouts.kind', {}, h('span', { t: l.kind === 'host' ? 'lockouts.kindHost' : 'lockouts.kindAddress' })),
      td('lockouts.subject', { class: 'cell-strong cell-break' }, h('span', { text: l.subject })),
      td('lockouts.failures', {}, h('span', { text: formatNumber(l.failures) })),
      td('lockouts.until', {}, h('time', { dt: l.lockedUntil || null })),
      td('common.actions', { class: 'cell-actions' }, clear));
  }

  load();
  return h('section', { class: 'card', 'aria-labelledby': 'remote-lockouts-h' },
    h('h2', { id: 'remote-lockouts-h', class: 'card-title', t: 'lockouts.title' }),
    h('p', { class: 'muted', t: 'lockouts.lead' }),
    table.wrap,
    h('div', { class: 'actions' }, refresh));
}
