// Session lists: mine on the account pane, another user's in the admin users panel.

import { h, none } from './dom.js';
import { describeUserAgent } from './ua.js';
import { dataTable, td, emptyRow } from './tables.js';

const COLUMNS = [
  { key: 'sessions.device' },
  { key: 'sessions.ip' },
  { key: 'sessions.created' },
  { key: 'sessions.lastSeen' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

/** Builds table#<id>; onRevoke(session, button) is called by each row's button.revoke-session. */
export function sessionsTable(id, sessions, { onRevoke, caption }) {
  const { wrap, tbody } = dataTable({ id, caption, columns: COLUMNS });
  const sorted = [...sessions].sort((a, b) => (b.current ? 1 : 0) - (a.current ? 1 : 0) || String(b.lastSeenAt).localeCompare(String(a.lastSeenAt)));
  if (sorted.length === 0) tbody.append(emptyRow(COLUMNS.length, 'sessions.none'));
  for (const s of sorted) tbody.append(sessionRow(s, onRevoke));
  return wrap;
}

function sessionRow(s, onRevoke) {
  const device = describeUserAgent(s.userAgent);
  const revoke = h('button', { type: 'button', class: ['btn', 'btn-small', s.current ? 'btn-secondary' : 'btn-danger-outline', 'revoke-session'] },
    h('span', { t: s.current ? 'sessions.signOut' : 'sessions.revoke' }));
  revoke.addEventListener('click', () => onRevoke(s, revoke));
  return h('tr', { dataset: { sessionId: s.id }, class: s.current ? 'is-current' : null },
    td('sessions.device', { class: 'cell-strong' },
      h('span', { class: 'device', title: s.userAgent || '', t: device.key, targs: device.args || undefined }),
      s.current ? h('span', { class: 'badge badge-accent', t: 'sessions.thisDevice' }) : null),
    td('sessions.ip', { class: 'mono' }, s.ip ? s.ip : none()),
    td('sessions.created', {}, h('time', { dt: s.createdAt })),
    td('sessions.lastSeen', {}, h('time', { dt: s.lastSeenAt })),
    td('common.actions', { class: 'cell-actions' }, revoke));
}
