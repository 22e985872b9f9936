// Small DOM helpers. All text goes in through textContent, never innerHTML, so server data cannot
// inject markup. Translatable text is declared with data-i18n attributes, so a language switch can
// re-translate the page in place (see i18n.js) without losing what the user has typed.

import { t, formatInstant } from './i18n.js';

const BOOLEAN_ATTRS = new Set(['hidden', 'disabled', 'required', 'readonly', 'checked', 'selected', 'multiple', 'novalidate', 'autofocus', 'download']);

/**
 * Creates an element.
 * Special attribute keys:
 *   class      string or array of strings (falsy entries skipped)
 *   text       plain textContent (user/server data)
 *   t          i18n key for textContent; targs: its arguments; tfallback: text if the key is missing
 *   tattrs     {attribute: i18nKey} for translated attributes (aria-label, placeholder, title, alt)
 *   dt         ISO instant rendered as a localized date/time (a <time> element is the usual host)
 *   dtStyle    'datetime' (default), 'datetime-sec' or 'date'
 *   on         {event: handler}
 *   dataset    {key: value}
 *   props      {property: value} assigned directly (value, checked …)
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs || {});
  append(el, children);
  return el;
}

function applyAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    switch (name) {
      case 'class':
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
        break;
      case 'text':
        el.textContent = String(value);
        break;
      case 't':
        el.dataset.i18n = value;
        break;
      case 'targs':
        el.dataset.i18nArgs = JSON.stringify(value);
        break;
      case 'tfallback':
        el.dataset.i18nFallback = value;
        break;
      case 'tattrs':
        el.dataset.i18nAttr = Object.entries(value).map(([a, k]) => `${a}=${k}`).join(';');
        break;
      case 'dt':
        break;
      case 'dtStyle':
        break;
      case 'on':
        for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
        break;
      case 'dataset':
        for (const [k, v] of Object.entries(value)) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
        break;
      case 'props':
        Object.assign(el, value);
        break;
      default:
        if (name === 'style' || name.startsWith('on')) {
          throw new Error(`refusing attribute ${name}`);
        }
        if (BOOLEAN_ATTRS.has(name)) {
          if (value === true) el.setAttribute(name, '');
          else el.setAttribute(name, String(value));
        } else {
          el.setAttribute(name, String(value));
        }
    }
  }
  if (attrs.t) translateElement(el);
  if (attrs.tattrs) translateAttributes(el);
  if ('dt' in attrs) {
    el.dataset.dt = attrs.dtStyle || 'datetime';
    if (attrs.dt) {
      el.setAttribute('datetime', attrs.dt);
    }
    renderDate(el);
  }
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Sets an element's translated text again (after its key or arguments changed). */
export function translateElement(el) {
  let args;
  if (el.dataset.i18nArgs) {
    try {
      args = JSON.parse(el.dataset.i18nArgs);
    } catch {
      args = undefined;
    }
  }
  el.textContent = t(el.dataset.i18n, args, el.dataset.i18nFallback);
}

export function translateAttributes(el) {
  for (const pair of el.dataset.i18nAttr.split(';')) {
    const i = pair.indexOf('=');
    if (i > 0) el.setAttribute(pair.slice(0, i), t(pair.slice(i + 1)));
  }
}

export function renderDate(el) {
  const iso = el.getAttribute('datetime');
  el.textContent = iso ? formatInstant(iso, el.dataset.dt) : t('common.none');
}

/** Re-translates every marked element below (and including) root. */
export function translateTree(root) {
  const pick = (sel) => {
    const list = Array.from(root.querySelectorAll(sel));
    if (root.matches && root.matches(sel)) list.unshift(root);
    return list;
  };
  pick('[data-i18n]').forEach(translateElement);
  pick('[data-i18n-attr]').forEach(translateAttributes);
  pick('[data-dt]').forEach(renderDate);
}

/** Changes the i18n key/arguments of an element and re-renders its text. */
export function setText(el, key, args) {
  el.dataset.i18n = key;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  translateElement(el);
}

/** The placeholder for a missing value. */
export function none() {
  return h('span', { class: 'muted', t: 'common.none' });
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

const ICONS = {
  chats: ['M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z'],
  calls: ['M23 7l-7 5 7 5V7z', 'M3 5h11a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z'],
  remote: ['M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z', 'M8 21h8', 'M12 17v4'],
  history: ['M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20z', 'M12 6v6l4 2'],
  admin: ['M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z'],
  account: ['M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2', 'M12 3a4 4 0 1 0 0 8a4 4 0 1 0 0-8z'],
  logout: ['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'],
  copy: ['M9 9h11a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9a2 2 0 0 1-2-2z', 'M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1'],
  download: ['M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'M7 10l5 5 5-5', 'M12 15V3'],
  check: ['M20 6L9 17l-5-5'],
  alert: ['M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20z', 'M12 8v4', 'M12 16h.01'],
  close: ['M18 6L6 18', 'M6 6l12 12'],
  eye: ['M1 12s4-8 11-8 11 8 11 8-4 8-11 8-11-8-11-8z', 'M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z'],
  key: ['M21 2l-2 2m-7.6 7.6a5.5 5.5 0 1 1-7.8 7.8a5.5 5.5 0 0 1 7.8-7.8zm0 0L15.5 7.5m0 0l3 3L22 7l-3-3m-3.5 3.5L19 4'],
  menu: ['M3 12h18', 'M3 6h18', 'M3 18h18'],
  send: ['M22 2L11 13', 'M22 2l-7 20-4-9-9-4 20-7z'],
  back: ['M15 18l-6-6 6-6'],
  bell: ['M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9', 'M13.7 21a2 2 0 0 1-3.4 0'],
  volumeOff: ['M11 5L6 9H2v6h4l5 4V5z', 'M23 9l-6 6', 'M17 9l6 6'],
  plus: ['M12 5v14', 'M5 12h14'],
  paperclip: ['M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48'],
  camera: ['M23 19a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4l2-3h6l2 3h4a2 2 0 0 1 2 2z', 'M12 9a4 4 0 1 0 0 8a4 4 0 1 0 0-8z'],
  mic: ['M12 1a3 3 0 0 0-3 3v8a3 3 0 0 0 6 0V4a3 3 0 0 0-3-3z', 'M19 10v2a7 7 0 0 1-14 0v-2', 'M12 19v4', 'M8 23h8'],
  file: ['M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z', 'M14 2v6h6'],
  note: ['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z'],
  trash: ['M3 6h18', 'M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6', 'M10 11v6', 'M14 11v6', 'M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2'],
  retry: ['M23 4v6h-6', 'M20.49 15a9 9 0 1 1-2.12-9.36L23 10'],
};

/** A decorative stroke icon (hidden from assistive technology). */
export function icon(name, extraClass) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', extraClass ? `icon ${extraClass}` : 'icon');
  for (const d of ICONS[name] || []) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** The Romotica mark: a screen inside a rounded tile. */
export function logo() {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'logo');
  const tile = document.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries({ x: 0, y: 0, width: 32, height: 32, rx: 8, class: 'logo-tile' })) tile.setAttribute(k, v);
  const screen = document.createElementNS(SVG_NS, 'path');
  screen.setAttribute('d', 'M9 9h14a1.5 1.5 0 0 1 1.5 1.5v8A1.5 1.5 0 0 1 23 20H9a1.5 1.5 0 0 1-1.5-1.5v-8A1.5 1.5 0 0 1 9 9zM13 24h6M16 20v4');
  screen.setAttribute('class', 'logo-screen');
  const dot = document.createElementNS(SVG_NS, 'path');
  dot.setAttribute('d', 'M14 13.5l4.5 1-4.5 1z');
  dot.setAttribute('class', 'logo-dot');
  svg.append(tile, screen, dot);
  return svg;
}
