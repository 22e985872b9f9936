// Admin → Live chat: the team's canned replies (add, edit, delete; agents insert them with /shortcut) and
// each agent's routing capacity (how many open conversations routing gives them; "default" follows the
// server's chat.agent.capacity). A field's problem is said under the field and in the message region.

import { api, enc } from './api.js';
import { h, setText } from './dom.js';
import { formatNumber } from './i18n.js';
import { onSubmit, submitButton } from './forms.js';
import { ClientError, showError, showMessage, showSuccess } from './messages.js';
import { dataTable, td, emptyRow, loadingRow } from './tables.js';
import { SHORTCUT, setCanned } from './canned.js';
import { confirmDialog } from './dialog.js';
import { MAX_TEXT } from './chat-client.js';

const CANNED_COLUMNS = [
  { key: 'canned.shortcut' },
  { key: 'canned.body' },
  { key: 'canned.updatedAt' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

const CAPACITY_COLUMNS = [
  { key: 'capacity.agent' },
  { key: 'capacity.open' },
  { key: 'capacity.capacity' },
  { key: 'common.actions', hiddenLabel: true, cls: 'col-actions' },
];

const MAX_CAPACITY = 1000;
const BODY_PREVIEW_MAX = 200;

/** A message under a field (aria-describedby), or none. */
function fieldError(input, el, key, args) {
  if (!key) {
    el.hidden = true;
    el.textContent = '';
    delete el.dataset.i18n;
    input.removeAttribute('aria-invalid');
    return;
  }
  setText(el, key, args);
  el.hidden = false;
  input.setAttribute('aria-invalid', 'true');
}

function describedBy(input, id) {
  const ids = new Set((input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
  ids.add(id);
  input.setAttribute('aria-describedby', [...ids].join(' '));
}

export function renderChatAdmin(panel) {
  panel.append(cannedSection(), capacitySection());
}

// --- canned replies ---

function cannedSection() {
  const table = dataTable({ id: 'canned', caption: 'canned.title', columns: CANNED_COLUMNS, cls: 'canned-table' });
  table.tbody.append(loadingRow(CANNED_COLUMNS.length));

  const shortcut = h('input', {
    id: 'canned-shortcut', name: 'shortcut', type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none',
    maxlength: '33', 'aria-describedby': 'canned-shortcut-hint', required: true,
  });
  const shortcutError = h('p', { id: 'canned-shortcut-error', class: 'field-error', hidden: true });
  describedBy(shortcut, shortcutError.id);
  const body = h('textarea', { id: 'canned-body', name: 'body', rows: '4', maxlength: String(MAX_TEXT), required: true });
  const bodyError = h('p', { id: 'canned-body-error', class: 'field-error', hidden: true });
  describedBy(body, bodyError.id);
  const formTitle = h('h3', { id: 'canned-form-h', class: 'card-subtitle', tabindex: '-1', t: 'canned.add' });
  const submit = submitButton('canned-submit', 'canned.create');
  const cancel = h('button', { type: 'button', id: 'canned-cancel', class: 'btn btn-secondary', hidden: true, t: 'common.cancel' });
  const form = h('form', { id: 'canned-form', class: 'form canned-form', method: 'post', action: '/console/admin', 'aria-labelledby': 'canned-form-h' },
    formTitle,
    h('div', { class: 'field' },
      h('label', { for: 'canned-shortcut', class: 'field-label' }, h('span', { t: 'canned.shortcut' })),
      h('div', { class: 'input-prefix' }, h('span', { class: 'input-prefix-mark', 'aria-hidden': 'true', text: '/' }), shortcut),
      h('p', { id: 'canned-shortcut-hint', class: 'hint', t: 'canned.shortcutHint' }),
      shortcutError),
    h('div', { class: 'field' },
      h('label', { for: 'canned-body', class: 'field-label' }, h('span', { t: 'canned.body' })),
      body,
      bodyError),
    h('div', { class: 'actions btn-row' }, submit, cancel));

  let editing = null; // the reply being edited
  const clearErrors = () => {
    fieldError(shortcut, shortcutError, null);
    fieldError(body, bodyError, null);
  };
  shortcut.addEventListener('input', () => fieldError(shortcut, shortcutError, null));
  body.addEventListener('input', () => fieldError(body, bodyError, null));

  function edit(reply) {
    editing = reply;
    clearErrors();
    shortcut.value = reply ? reply.shortcut : '';
    body.value = reply ? reply.body : '';
    if (reply) setText(formTitle, 'canned.edit', { shortcut: reply.shortcut });
    else setText(formTitle, 'canned.add');
    setText(submit.firstElementChild, reply ? 'canned.save' : 'canned.create');
    cancel.hidden = !reply;
    if (reply) shortcut.focus();
  }
  cancel.addEventListener('click', () => {
    const id = editing && editing.id;
    edit(null);
    const row = id && table.tbody.querySelector(`tr[data-canned-id="${CSS.escape(id)}"] .canned-edit`);
    if (row) row.focus();
  });

  onSubmit(form, submit, async () => {
    clearErrors();
    const wanted = shortcut.value.trim().replace(/^\//, '').toLowerCase();
    if (!SHORTCUT.test(wanted)) {
      fieldError(shortcut, shortcutError, wanted ? 'canned.error.shortcut' : 'canned.error.shortcutMissing');
      throw new ClientError('INVALID_INPUT', shortcut);
    }
    const text = body.value;
    if (!text.trim()) {
      fieldError(body, bodyError, 'canned.error.bodyMissing');
      throw new ClientError('INVALID_INPUT', body);
    }
    if (text.length > MAX_TEXT) {
      fieldError(body, bodyError, 'canned.error.bodyTooLong', { max: MAX_TEXT });
      throw new ClientError('INVALID_INPUT', body);
    }
    shortcut.value = wanted;
    const change = { shortcut: wanted, body: text };
    let saved;
    try {
      saved = editing
        ? await api('PUT', `/api/chat/canned/${enc(editing.id)}`, change)
        : await api('POST', '/api/chat/canned', change);
    } catch (err) {
      if (err.code === 'CONFLICT') {
        fieldError(shortcut, shortcutError, 'canned.error.taken', { shortcut: wanted });
        showMessage('error', 'canned.error.taken', { shortcut: wanted }, 'CONFLICT');
        shortcut.focus();
        err.handled = true;
      } else if (err.code === 'INVALID_INPUT' && (err.field === 'shortcut' || err.field === 'body')) {
        const input = err.field === 'shortcut' ? shortcut : body;
        fieldError(input, err.field === 'shortcut' ? shortcutError : bodyError, `canned.error.${err.field}`, { max: MAX_TEXT });
      } else if (err.code === 'NOT_FOUND' && editing) {
        edit(null);
        await load();
      }
      throw err;
    }
    showSuccess(editing ? 'canned.saved' : 'canned.created', { shortcut: saved.shortcut });
    edit(null);
    await load();
    shortcut.focus();
  }, { fields: { shortcut, body } });

  async function load() {
    try {
      const list = (await api('GET', '/api/chat/canned')) || [];
      setCanned(list); // the composer's suggestions follow at once
      table.tbody.replaceChildren();
      if (list.length === 0) table.tbody.append(emptyRow(CANNED_COLUMNS.length, 'canned.none'));
      for (const r of list) table.tbody.append(row(r));
    } catch (err) {
      table.tbody.replaceChildren(emptyRow(CANNED_COLUMNS.length, 'common.loadFailed'));
      showError(err);
    }
  }

  function row(r) {
    const preview = r.body.length > BODY_PREVIEW_MAX ? `${r.body.slice(0, BODY_PREVIEW_MAX)}…` : r.body;
    const editBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small canned-edit' },
      h('span', { t: 'canned.editButton' }), h('span', { class: 'visually-hidden', text: ` /${r.shortcut}` }));
    const deleteBtn = h('button', { type: 'button', class: 'btn btn-danger-outline btn-small canned-delete' },
      h('span', { t: 'canned.delete' }), h('span', { class: 'visually-hidden', text: ` /${r.shortcut}` }));
    editBtn.addEventListener('click', () => edit(r));
    deleteBtn.addEventListener('click', () => remove(r, deleteBtn));
    return h('tr', { dataset: { cannedId: r.id, shortcut: r.shortcut } },
      td('canned.shortcut', { class: 'cell-strong' }, h('code', { class: 'canned-shortcut', text: `/${r.shortcut}` })),
      td('canned.body', { class: 'cell-break' }, h('span', { class: 'canned-body', text: preview })),
      td('canned.updatedAt', {}, h('time', { dt: r.updatedAt || null })),
      td('common.actions', { class: 'cell-actions' }, h('div', { class: 'btn-row' }, editBtn, deleteBtn)));
  }

  async function remove(r, btn) {
    const ok = await confirmDialog({
      id: 'canned-delete-dialog',
      title: { key: 'canned.deleteTitle', args: { shortcut: r.shortcut } },
      body: [{ key: 'canned.deleteText' }],
      confirm: 'canned.delete',
      returnTo: btn,
    });
    if (!ok) return;
    btn.disabled = true;
    try {
      await api('DELETE', `/api/chat/canned/${enc(r.id)}`);
      showSuccess('canned.deleted', { shortcut: r.shortcut });
    } catch (err) {
      if (err.code !== 'NOT_FOUND') {
        if (btn.isConnected) btn.disabled = false;
        showError(err);
        return;
      }
    }
    if (editing && editing.id === r.id) edit(null);
    await load();
    panelHeading.focus();
  }

  const panelHeading = h('h2', { id: 'canned-h', class: 'card-title', tabindex: '-1', t: 'canned.title' });
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'canned-h' },
    panelHeading,
    h('p', { class: 'muted', t: 'canned.lead' }),
    table.wrap,
    form);
}

// --- capacity ---

function capacitySection() {
  const table = dataTable({ id: 'capacity', caption: 'capacity.title', columns: CAPACITY_COLUMNS, cls: 'capacity-table' });
  table.tbody.append(loadingRow(CAPACITY_COLUMNS.length));

  async function load() {
    try {
      const list = (await api('GET', '/api/chat/agents')) || [];
      table.tbody.replaceChildren();
      if (list.length === 0) table.tbody.append(emptyRow(CAPACITY_COLUMNS.length, 'capacity.none'));
      for (const a of list) table.tbody.append(row(a));
    } catch (err) {
      table.tbody.replaceChildren(emptyRow(CAPACITY_COLUMNS.length, 'common.loadFailed'));
      showError(err);
    }
  }

  function row(a) {
    const inputId = `capacity-${a.id}`;
    const defaultId = `capacity-default-${a.id}`;
    const errorId = `capacity-error-${a.id}`;
    const input = h('input', {
      id: inputId, type: 'number', class: 'capacity-input', min: '0', max: String(MAX_CAPACITY), step: '1', inputmode: 'numeric',
      'aria-describedby': errorId,
    });
    input.value = String(a.capacity);
    const useDefault = h('input', { id: defaultId, type: 'checkbox', class: 'capacity-default' });
    useDefault.checked = !a.customCapacity;
    input.disabled = useDefault.checked;
    const error = h('p', { id: errorId, class: 'field-error', hidden: true });
    const save = h('button', { type: 'button', class: 'btn btn-secondary btn-small capacity-save' },
      h('span', { t: 'capacity.save' }), h('span', { class: 'visually-hidden', text: ` ${a.name}` }));
    useDefault.addEventListener('change', () => {
      input.disabled = useDefault.checked;
      fieldError(input, error, null);
      if (!useDefault.checked) input.focus();
    });
    input.addEventListener('input', () => fieldError(input, error, null));
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        saveRow();
      }
    });
    save.addEventListener('click', () => saveRow());

    async function saveRow() {
      let capacity = null;
      if (!useDefault.checked) {
        const v = input.value.trim();
        if (!/^\d+$/.test(v) || Number(v) > MAX_CAPACITY) {
          fieldError(input, error, 'capacity.error', { max: MAX_CAPACITY });
          showMessage('error', 'capacity.error', { max: MAX_CAPACITY }, 'INVALID_INPUT');
          input.focus();
          return;
        }
        capacity = Number(v);
      }
      save.disabled = true;
      save.setAttribute('aria-busy', 'true');
      try {
        const updated = await api('PUT', `/api/chat/agents/${enc(a.id)}/capacity`, { capacity });
        const fresh = row(updated && updated.id ? updated : a);
        tr.replaceWith(fresh);
        showSuccess('capacity.saved', { name: a.name });
        fresh.querySelector('.capacity-save').focus();
      } catch (err) {
        save.disabled = false;
        save.removeAttribute('aria-busy');
        if (err.code === 'INVALID_INPUT') fieldError(input, error, 'capacity.error', { max: MAX_CAPACITY });
        showError(err);
      }
    }

    const tr = h('tr', { dataset: { agentId: a.id, capacity: a.capacity, custom: String(Boolean(a.customCapacity)) } },
      td('capacity.agent', { class: 'cell-strong' }, h('span', { text: a.name })),
      td('capacity.open', {}, h('span', { text: formatNumber(a.open || 0) })),
      td('capacity.capacity', {},
        h('div', { class: 'capacity-fields' },
          h('label', { for: inputId, class: 'visually-hidden', t: 'capacity.inputLabel', targs: { name: a.name } }),
          input,
          h('label', { class: 'check', for: defaultId }, useDefault, h('span', { t: 'capacity.default' }))),
        error),
      td('common.actions', { class: 'cell-actions' }, save));
    return tr;
  }

  load();
  return h('section', { class: 'card', 'aria-labelledby': 'capacity-h' },
    h('h2', { id: 'capacity-h', class: 'card-title', t: 'capacity.title' }),
    h('p', { class: 'muted', t: 'capacity.lead' }),
    table.wrap);
}
