// Form building blocks: labelled fields, password fields with a show/hide toggle, client-side checks
// that use the server's error codes, and a submit wrapper that handles busy state and errors.

import { h, icon } from './dom.js';
import { clearMessage, showError, ClientError } from './messages.js';

export const MIN_PASSWORD_LENGTH = 12;

let hintSeq = 0;

/**
 * A labelled input. Returns { wrap, input }.
 * opts: id, label (i18n key), type, autocomplete, hint (i18n key), hintArgs, optional (shows "optional"),
 *       attrs (extra input attributes), value
 */
export function field(opts) {
  const { id, label, type = 'text', autocomplete, hint, hintArgs, optional, attrs = {}, value } = opts;
  const input = h('input', { id, name: id, type, autocomplete: autocomplete || 'off', ...attrs });
  if (value !== undefined && value !== null) input.value = value;
  const labelEl = h('label', { for: id, class: 'field-label' },
    h('span', { t: label }),
    optional ? h('span', { class: 'optional', t: 'form.optional' }) : null);
  const wrap = h('div', { class: 'field' }, labelEl);
  if (type === 'password') {
    const toggle = h('button', {
      type: 'button', class: 'btn-icon pw-toggle', 'aria-pressed': 'false', 'aria-controls': id,
      tattrs: { 'aria-label': 'form.showPassword' },
      on: {
        click: () => {
          const show = input.type === 'password';
          input.type = show ? 'text' : 'password';
          toggle.setAttribute('aria-pressed', String(show));
        },
      },
    }, icon('eye'));
    wrap.append(h('div', { class: 'input-with-button' }, input, toggle));
  } else {
    wrap.append(input);
  }
  if (hint) {
    const hintId = `${id}-hint-${++hintSeq}`;
    wrap.append(h('p', { id: hintId, class: 'hint', t: hint, targs: hintArgs }));
    input.setAttribute('aria-describedby', hintId);
  }
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  return { wrap, input };
}

/** A labelled <select> with translated options [{value, label}] . */
export function selectField({ id, label, options, value }) {
  const select = h('select', { id, name: id },
    options.map((o) => h('option', { value: o.value, t: o.label, tfallback: o.fallback })));
  if (value !== undefined) select.value = value;
  const wrap = h('div', { class: 'field' },
    h('label', { for: id, class: 'field-label' }, h('span', { t: label })),
    select);
  return { wrap, select };
}

export function submitButton(id, label, extraClass) {
  return h('button', { type: 'submit', id, class: ['btn', 'btn-primary', extraClass] }, h('span', { t: label }));
}

export function button(label, { id, cls = 'btn', onClick, iconName, attrs = {} } = {}) {
  return h('button', { type: 'button', id, class: cls, ...attrs, on: onClick ? { click: onClick } : undefined },
    iconName ? icon(iconName) : null,
    h('span', { t: label }));
}

// --- checks (throw ClientError with the same codes the server uses) ---

export function requireValue(input) {
  if (!input.value.trim()) throw new ClientError('INVALID_INPUT', input);
  return input.value.trim();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function requireEmail(input) {
  const v = requireValue(input);
  if (!EMAIL.test(v)) throw new ClientError('INVALID_INPUT', input);
  return v;
}

export function requireNewPassword(input, confirm) {
  const v = input.value;
  if (v.length < MIN_PASSWORD_LENGTH) throw new ClientError('WEAK_PASSWORD', input);
  if (confirm && confirm.value !== v) throw new ClientError('PASSWORD_MISMATCH', confirm);
  return v;
}

function setBusy(btn, busy) {
  btn.setAttribute('aria-busy', String(busy));
  btn.classList.toggle('is-busy', busy);
  if (!btn.dataset.rateLimited) btn.disabled = busy;
}

/**
 * Wires a form's submit (Enter or the button) to an async action. Errors go to #message; `fields` maps the
 * server's field names to inputs so INVALID_INPUT can point at the right one.
 */
export function onSubmit(form, btn, action, { fields = {} } = {}) {
  form.noValidate = true;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (btn.disabled) return;
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
    clearMessage();
    setBusy(btn, true);
    try {
      await action();
    } catch (err) {
      showError(err, { fields, buttons: [btn] });
    } finally {
      setBusy(btn, false);
    }
  });
}

/** Runs a button's async action with busy state and error display. */
export async function runAction(btn, action) {
  if (btn) setBusy(btn, true);
  try {
    await action();
  } catch (err) {
    showError(err, { buttons: btn ? [btn] : [] });
  } finally {
    if (btn && btn.isConnected) setBusy(btn, false);
  }
}

/** Copies text; falls back to selecting an input and execCommand for older browsers. */
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (input) {
      input.focus();
      input.select();
      try {
        return document.execCommand('copy');
      } catch {
        return false;
      }
    }
    return false;
  }
}

