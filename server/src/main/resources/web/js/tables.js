// Data tables that scroll sideways on small screens or, with .stack, turn into one card per row
// (each cell shows its column name from data-label).

import { h } from './dom.js';

/** columns: [{ key: i18nKey, cls?, hiddenLabel? }] */
export function dataTable({ id, caption, columns, stack = true, cls }) {
  const tbody = h('tbody');
  const table = h('table', { id, class: ['data-table', stack && 'stack', cls] },
    caption ? h('caption', { class: 'visually-hidden', t: caption }) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.cls },
      c.hiddenLabel ? h('span', { class: 'visually-hidden', t: c.key }) : h('span', { t: c.key }))))),
    tbody);
  return { wrap: h('div', { class: 'table-wrap' }, table), table, tbody };
}

/** A cell that knows its column name (for the stacked card layout). */
export function td(labelKey, attrs, ...children) {
  // One wrapper keeps the cell a single grid item next to its label in the stacked layout.
  return h('td', { ...(attrs || {}), tattrs: { 'data-label': labelKey } }, h('div', { class: 'cell' }, ...children));
}

export function emptyRow(colspan, key) {
  return h('tr', { class: 'empty-row' }, h('td', { colspan: String(colspan), class: 'empty-cell', t: key }));
}

export function loadingRow(colspan) {
  return h('tr', { class: 'empty-row' }, h('td', { colspan: String(colspan), class: 'empty-cell', t: 'common.loading' }));
}
