// Admin → Audit log: filters, newest-first table with "load more", CSV export of the same filters and the
// hash-chain verification.

import { api, query } from './api.js';
import { h, icon, none, setText } from './dom.js';
import { field, selectField, submitButton, onSubmit, button, runAction } from './forms.js';
import { showError } from './messages.js';
import { dataTable, td, emptyRow, loadingRow } from './tables.js';

const PAGE_SIZE = 50;
const EXPORT_URL = '/api/admin/audit/export.csv';

const COLUMNS = [
  { key: 'audit.col.at' },
  { key: 'audit.col.type' },
  { key: 'audit.col.actor' },
  { key: 'audit.col.ip' },
  { key: 'audit.col.target' },
  { key: 'audit.col.details' },
];

export function renderAudit(panel) {
  const type = selectField({ id: 'audit-type', label: 'audit.filter.type', value: '', options: [{ value: '', label: 'audit.allTypes' }] });
  const actor = field({ id: 'audit-actor', label: 'audit.filter.actor', hint: 'audit.filter.actorHint', attrs: { spellcheck: 'false' } });
  const from = field({ id: 'audit-from', label: 'audit.filter.from', type: 'date' });
  const to = field({ id: 'audit-to', label: 'audit.filter.to', type: 'date' });
  const apply = submitButton('audit-apply', 'audit.apply');
  const reset = button('audit.reset', { cls: 'btn btn-ghost', attrs: { id: 'audit-reset' } });
  const filters = h('form', { id: 'audit-filters', class: 'form filters', method: 'get', action: '/console/admin', role: 'search', tattrs: { 'aria-label': 'audit.filtersLabel' } },
    type.wrap, actor.wrap, from.wrap, to.wrap, h('div', { class: 'filters-actions' }, apply, reset));

  const exportLink = h('a', { id: 'audit-export', class: 'btn btn-secondary', href: EXPORT_URL, download: 'romotica-audit.csv' },
    icon('download'), h('span', { t: 'audit.export' }));
  const verify = button('audit.verify', { cls: 'btn btn-secondary', iconName: 'check', attrs: { id: 'audit-verify' } });
  const verifyResult = h('p', { id: 'audit-verify-result', class: 'verify-result', hidden: true, 'aria-live': 'polite' });

  const table = dataTable({ id: 'audit', caption: 'audit.title', columns: COLUMNS, cls: 'audit-table' });
  table.tbody.append(loadingRow(COLUMNS.length));
  const more = button('audit.more', { cls: 'btn btn-secondary', attrs: { id: 'audit-more', hidden: true } });
  const heading = h('h2', { id: 'audit-h', class: 'card-title', tabindex: '-1', t: 'audit.title' });

  panel.append(
    h('section', { class: 'card', 'aria-labelledby': 'audit-h' },
      heading,
      h('p', { class: 'muted', t: 'audit.lead' }),
      filters,
      h('div', { class: 'toolbar' }, exportLink, verify),
      verifyResult,
      table.wrap,
      h('div', { class: 'actions actions-center' }, more)));

  const current = () => ({ type: type.select.value, actor: actor.input.value.trim(), from: from.input.value, to: to.input.value });
  const updateExport = () => { exportLink.href = EXPORT_URL + query(current()); };
  for (const el of [type.select, actor.input, from.input, to.input]) {
    el.addEventListener('input', updateExport);
    el.addEventListener('change', updateExport);
  }
  for (const el of [type.select, from.input, to.input]) el.addEventListener('change', () => load());

  let applied = current();
  let nextBefore = null;
  let seq = 0;

  async function load({ append = false } = {}) {
    const mine = ++seq;
    if (!append) applied = current();
    const params = { ...applied, limit: PAGE_SIZE };
    if (append) params.before = nextBefore;
    more.disabled = true;
    if (!append) table.wrap.setAttribute('aria-busy', 'true');
    try {
      const res = await api('GET', `/api/admin/audit${query(params)}`);
      if (mine !== seq) return;
      const items = (res && res.items) || [];
      if (!append) table.tbody.replaceChildren();
      if (!append && items.length === 0) table.tbody.append(emptyRow(COLUMNS.length, 'audit.none'));
      for (const item of items) table.tbody.append(auditRow(item));
      nextBefore = res && res.nextBefore !== undefined && res.nextBefore !== null ? res.nextBefore : null;
      const hadFocus = document.activeElement === more;
      more.hidden = nextBefore === null;
      if (hadFocus && more.hidden) heading.focus();
    } catch (err) {
      if (mine !== seq) return;
      if (!append) table.tbody.replaceChildren(emptyRow(COLUMNS.length, 'common.loadFailed'));
      showError(err);
    } finally {
      if (mine === seq) {
        more.disabled = false;
        table.wrap.removeAttribute('aria-busy');
      }
    }
  }

  onSubmit(filters, apply, () => load(), { fields: { type: type.select, actor: actor.input, from: from.input, to: to.input } });
  reset.addEventListener('click', () => {
    type.select.value = '';
    actor.input.value = '';
    from.input.value = '';
    to.input.value = '';
    updateExport();
    load();
  });
  more.addEventListener('click', () => load({ append: true }));

  verify.addEventListener('click', () => runAction(verify, async () => {
    const res = await api('POST', '/api/admin/audit/verify', {});
    const ok = Boolean(res && res.ok);
    verifyResult.dataset.ok = String(ok);
    verifyResult.classList.toggle('is-ok', ok);
    verifyResult.classList.toggle('is-broken', !ok);
    const checked = res && Number.isFinite(res.checked) ? res.checked : 0;
    if (ok) setText(verifyResult, 'audit.verify.ok', { checked });
    else if (res && res.firstBrokenId !== null && res.firstBrokenId !== undefined) {
      setText(verifyResult, 'audit.verify.broken', { checked, id: String(res.firstBrokenId) });
    } else setText(verifyResult, 'audit.verify.brokenNoId', { checked });
    verifyResult.hidden = false;
  }));

  api('GET', '/api/admin/audit/types').then((types) => {
    const chosen = type.select.value;
    for (const name of types || []) {
      type.select.append(h('option', { value: name, t: `audit.type.${name}`, tfallback: name }));
    }
    type.select.value = chosen;
  }).catch((err) => showError(err));

  updateExport();
  load();
}

function auditRow(item) {
  let actorCell;
  if (item.actorName) actorCell = h('span', { text: item.actorName, title: item.actorId || '' });
  else if (item.actorId) actorCell = h('span', { class: 'mono', text: item.actorId });
  else actorCell = h('span', { class: 'muted', t: 'audit.system' });
  return h('tr', { dataset: { auditId: item.id, type: item.type } },
    td('audit.col.at', { class: 'cell-nowrap' }, h('time', { dt: item.at, dtStyle: 'datetime-sec' })),
    td('audit.col.type', {}, h('span', { class: 'event-type', title: item.type, t: `audit.type.${item.type}`, tfallback: item.type })),
    td('audit.col.actor', {}, actorCell),
    td('audit.col.ip', { class: 'mono' }, item.ip ? item.ip : none()),
    td('audit.col.target', { class: 'cell-break' }, item.target ? item.target : none()),
    td('audit.col.details', { class: 'cell-details' }, item.details ? item.details : none()));
}
