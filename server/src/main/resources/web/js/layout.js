// Screen frames shared by every page: the language switch, the auth card frame and mounting a screen
// into #root (which also moves the #message live region into the new screen's slot).

import { h, logo, translateTree } from './dom.js';
import { currentLanguage, setLanguage, onLanguageChange, SUPPORTED, t } from './i18n.js';
import { clearMessage, region, showPendingFlash } from './messages.js';

let titleKey = 'app.name';
let titleBadge = 0;

export function setTitle(key) {
  titleKey = key;
  const base = key === 'app.name' ? t('app.name') : `${t(key)} · ${t('app.name')}`;
  document.title = titleBadge > 0 ? `(${titleBadge}) ${base}` : base;
}

/** A count in front of the page title, "(3) Chats · Romotica" (0 removes it). */
export function setTitleBadge(count) {
  titleBadge = Number.isFinite(count) && count > 0 ? count : 0;
  setTitle(titleKey);
}

onLanguageChange(() => {
  translateTree(document.body);
  setTitle(titleKey);
  for (const btn of document.querySelectorAll('[data-lang-option]')) {
    btn.setAttribute('aria-pressed', String(btn.dataset.langOption === currentLanguage()));
  }
});

/** TR / EN buttons (#lang-tr, #lang-en). The choice is stored and the page re-translates in place. */
export function langSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', tattrs: { 'aria-label': 'lang.switch' } },
    SUPPORTED.map((code) => h('button', {
      type: 'button',
      id: `lang-${code}`,
      class: 'lang-btn',
      lang: code,
      'aria-pressed': String(code === currentLanguage()),
      tattrs: { 'aria-label': `lang.label.${code}` },
      dataset: { langOption: code },
      t: `lang.short.${code}`,
      on: {
        click: async () => {
          try {
            await setLanguage(code, { persist: true });
          } catch {
            // the dictionary could not be loaded; stay in the current language
          }
        },
      },
    })));
}

export function brand(tag = 'div', attrs = {}) {
  return h(tag, { class: 'brand', ...attrs }, logo(), h('span', { class: 'brand-name', t: 'app.name' }));
}

/** The frame for sign-in, setup, invite and enrolment screens. */
export function authLayout(...content) {
  return h('div', { class: 'auth-shell' },
    h('header', { class: 'auth-top' }, brand(), langSwitch()),
    h('main', { class: 'auth-main', id: 'main-content' },
      h('div', { class: 'auth-card' }, h('div', { class: 'message-slot' }), ...content)),
    h('footer', { class: 'auth-foot' }, h('span', { t: 'app.tagline' })));
}

/**
 * Replaces the whole screen. The message region is carried into the new screen's .message-slot; a
 * pending flash message (e.g. "your session ended") is shown, otherwise old messages are cleared.
 */
export function mountScreen(node, { title, focus } = {}) {
  const root = document.getElementById('root');
  const msg = region();
  clearMessage();
  msg.remove();
  root.replaceChildren(node);
  root.removeAttribute('aria-busy');
  placeMessageRegion(node);
  showPendingFlash();
  if (title) setTitle(title);
  if (focus) focus.focus();
}

/** Puts the message region into the first .message-slot under `container` (or keeps it where it is). */
export function placeMessageRegion(container) {
  const msg = region();
  const slot = container.querySelector('.message-slot');
  if (slot) slot.replaceWith(msg);
  else if (!msg.isConnected) document.body.prepend(msg);
}
