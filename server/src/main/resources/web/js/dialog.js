// A modal confirmation for actions that cannot be undone: a native <dialog> (focus kept inside, Escape
// cancels), role=alertdialog with its title and text wired up, Cancel focused first so that a stray Enter
// does nothing harmful. All text is translated keys with arguments, set through textContent.

import { h, icon } from './dom.js';

let seq = 0;

/**
 * Asks; resolves to true when the person confirmed. Options:
 *   id        element id of the dialog (stable for tests)
 *   title     {key, args}
 *   body      [{key, args}] paragraphs
 *   confirm   i18n key of the confirming button (danger style)
 *   returnTo  element focused again when the dialog closes
 */
export function confirmDialog({ id, title, body = [], confirm, returnTo = null }) {
  const n = ++seq;
  const titleId = `confirm-title-${n}`;
  const textId = `confirm-text-${n}`;
  return new Promise((resolve) => {
    let answer = false;
    const cancelBtn = h('button', { type: 'button', class: 'btn btn-secondary', dataset: { action: 'cancel' }, t: 'common.cancel' });
    const okBtn = h('button', { type: 'button', class: 'btn btn-danger', dataset: { action: 'confirm' } }, icon('trash'), h('span', { t: confirm }));
    const dialog = h('dialog', { id, class: 'confirm-dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId, class: 'confirm-title', t: title.key, targs: title.args }),
      h('div', { id: textId, class: 'confirm-text' }, body.map((p) => h('p', { t: p.key, targs: p.args }))),
      h('div', { class: 'btn-row confirm-actions' }, cancelBtn, okBtn));
    cancelBtn.addEventListener('click', () => dialog.close());
    okBtn.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    // Escape closes this dialog only (not a panel or the widget around it).
    dialog.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') ev.stopPropagation();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (returnTo && returnTo.isConnected) returnTo.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancelBtn.focus();
  });
}
