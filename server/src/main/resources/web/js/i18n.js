// Language choice, dictionaries and locale-aware formatting. Turkish first, English second.
// The choice lives in localStorage under romotica.lang; otherwise navigator.languages decides.

export const SUPPORTED = ['tr', 'en'];
const STORAGE_KEY = 'romotica.lang';

const cache = new Map();
let current = 'en';
let dict = {};
const listeners = new Set();

/** The stored choice, else the first Turkish or English entry of navigator.languages, else English. */
export function detectLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (SUPPORTED.includes(saved)) return saved;
  } catch {
    // storage may be blocked; fall through to the browser's preference
  }
  const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
  for (const pref of prefs) {
    const tag = String(pref).toLowerCase();
    if (tag.startsWith('tr')) return 'tr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

async function load(lang) {
  if (cache.has(lang)) return cache.get(lang);
  const res = await fetch(`/i18n/${lang}.json`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`i18n ${lang}: HTTP ${res.status}`);
  const data = await res.json();
  cache.set(lang, data);
  return data;
}

export function currentLanguage() {
  return current;
}

/** Loads and activates a language; `persist` stores the user's explicit choice. */
export async function setLanguage(lang, { persist = false } = {}) {
  if (!SUPPORTED.includes(lang)) lang = 'en';
  dict = await load(lang);
  current = lang;
  document.documentElement.lang = lang;
  if (persist) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // not fatal: the choice just will not survive a reload
    }
  }
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
}

export function hasKey(key) {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

/**
 * Translates `key`, replacing {name} placeholders from args. An argument given as {key: '…'} is itself
 * translated (used for field and role names inside messages); strings are inserted as they are.
 */
export function t(key, args, fallback) {
  let text = hasKey(key) ? dict[key] : fallback !== undefined ? fallback : key;
  if (args) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => {
      if (!(name in args)) return m;
      const v = args[name];
      if (v && typeof v === 'object' && typeof v.key === 'string') return t(v.key);
      if (typeof v === 'number') return formatNumber(v);
      return String(v);
    });
  }
  return text;
}

const dateStyles = {
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  'datetime-sec': { dateStyle: 'medium', timeStyle: 'medium' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'short' },
};

export function formatInstant(iso, style = 'datetime') {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, dateStyles[style] || dateStyles.datetime).format(d);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(current).format(n);
}
