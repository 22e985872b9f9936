// Attachments inside messages: images as thumbnails (a click opens the full image in a dialog), audio and
// video with the browser's controls, other files as a chip with name, size and a download link. Downloads
// need headers (the visitor's token), so bytes come through fetch() and are shown from blob: URLs; the
// server answers with Content-Disposition: attachment, so nothing it sends opens as a page of this origin.
// Names go in as text and as the download attribute only.

import { ApiError } from './api.js';
import { h, icon, setText } from './dom.js';
import { currentLanguage, t } from './i18n.js';

/** Thumbnails are shown at most this big (CSS px); the server makes them 320 px on the longest edge. */
const THUMB_BOX = 240;

/** The kind of player a content type gets. */
export function mediaKind(contentType) {
  const type = String(contentType || '').toLowerCase();
  if (type === 'image/png' || type === 'image/jpeg' || type === 'image/gif') return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'file';
}

/** "12.5 KB" in the page's language. */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  const [value, unit] = n >= 1024 * 1024 ? [n / (1024 * 1024), 'megabyte'] : n >= 1024 ? [n / 1024, 'kilobyte'] : [n, 'byte'];
  try {
    return new Intl.NumberFormat(currentLanguage(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
  } catch {
    return `${Math.round(value)} ${unit === 'byte' ? 'B' : unit === 'kilobyte' ? 'KB' : 'MB'}`;
  }
}

/** One line about a message for notifications: its text, else what it carries. */
export function summary(message) {
  const text = (message.body || '').trim();
  if (text) return text;
  const a = message.attachment;
  if (!a) return '';
  const kind = mediaKind(a.contentType);
  if (kind === 'image') return t('chat.attachment.summary.image');
  if (kind === 'audio') return t('chat.attachment.summary.audio');
  if (kind === 'video') return t('chat.attachment.summary.video');
  return t('chat.attachment.summary.file', { name: a.name });
}

/**
 * Object URLs of downloaded attachments, one per (id, thumbnail), shared by the rows of one view and
 * revoked together by clear() (another conversation shown, the view closed). Options:
 *   headers     () → request headers (the visitor's token; nothing for the console, whose cookie goes along)
 *   credentials fetch credentials mode: 'omit' for visitors, 'same-origin' for the console
 *   localBlob   (id) → Blob or undefined: a file this page uploaded itself, shown without downloading
 */
export function createMediaCache({ headers = () => ({}), credentials = 'same-origin', localBlob = () => undefined }) {
  let entries = new Map(); // key → Promise<string>
  let urls = [];

  function track(blob) {
    const url = URL.createObjectURL(blob);
    urls.push(url);
    return url;
  }

  async function load(info, thumbnail) {
    const own = localBlob(info.id);
    // Our own upload: the file itself serves as its thumbnail too.
    if (own) return track(own);
    const path = `/api/chat/attachments/${encodeURIComponent(info.id)}${thumbnail ? '?thumbnail=true' : ''}`;
    let res;
    try {
      res = await fetch(path, { headers: headers(), credentials, cache: 'default' });
    } catch {
      throw new ApiError(0, null, null);
    }
    if (!res.ok) {
      const data = await res.json().catch(() => null);
      throw new ApiError(res.status, data, res.headers.get('Retry-After'));
    }
    return track(await res.blob());
  }

  return {
    /** Resolves to a blob: URL of the attachment (or its thumbnail); rejects with ApiError. */
    url(info, thumbnail = false) {
      const key = `${info.id}:${thumbnail ? 't' : 'f'}`;
      let p = entries.get(key);
      if (!p) {
        const generation = entries;
        p = load(info, thumbnail);
        p.catch(() => {
          if (entries === generation) entries.delete(key); // a later try may succeed
        });
        entries.set(key, p);
      }
      return p;
    },
    clear() {
      entries = new Map();
      for (const url of urls) URL.revokeObjectURL(url);
      urls = [];
    },
  };
}

/** Display size of an image's thumbnail, so the row does not jump when it arrives. */
function thumbSize(info) {
  const w = Number(info.width) || 0;
  const hgt = Number(info.height) || 0;
  if (!w || !hgt) return null;
  const scale = Math.min(1, THUMB_BOX / Math.max(w, hgt));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(hgt * scale)) };
}

/**
 * A link that downloads the attachment under its (server-sanitised) name. The bytes are fetched on the
 * first click, unless a blob URL is already there.
 */
function downloadLink(info, media, { label = 'chat.attachment.download', withIcon = true } = {}) {
  const a = h('a', { class: 'chat-att-download', href: '#', download: info.name || 'file', tattrs: { title: 'chat.attachment.download' } },
    withIcon ? icon('download') : null, h('span', { t: label }));
  let ready = false;
  a.addEventListener('click', async (ev) => {
    if (ready) return;
    ev.preventDefault();
    if (a.getAttribute('aria-busy') === 'true') return;
    a.setAttribute('aria-busy', 'true');
    try {
      a.href = await media.url(info, false);
      ready = true;
      a.click();
    } catch (err) {
      setText(a.querySelector('span'), 'chat.attachment.failed');
    } finally {
      a.removeAttribute('aria-busy');
    }
  });
  return a;
}

/**
 * The element showing an attachment inside a message. Options:
 *   media     a cache from createMediaCache
 *   onImage   (info, button) → opens the full image (a lightbox)
 */
export function attachmentView(info, { media, onImage }) {
  const kind = mediaKind(info.contentType);
  const box = h('div', { class: ['chat-att', `chat-att-${kind}`], dataset: { attachmentId: info.id, kind } });
  const options = { media, onImage };
  if (kind === 'image') renderImage(box, info, options);
  else if (kind === 'audio' || kind === 'video') renderPlayer(box, info, options, kind);
  else renderFile(box, info, media);
  return box;
}

function renderImage(box, info, options) {
  const size = thumbSize(info);
  const img = h('img', {
    class: 'chat-att-img', alt: info.name || t('chat.attachment.summary.image'),
    width: size ? String(size.width) : null, height: size ? String(size.height) : null,
  });
  // Its accessible name: "Open image:" and the image's name (the alt text).
  const open = h('button', { type: 'button', class: 'chat-att-thumb' },
    h('span', { class: 'visually-hidden', t: 'chat.attachment.openImage' }), img);
  open.addEventListener('click', () => options.onImage(info, open));
  box.append(open);
  options.media.url(info, info.thumbnail).then((url) => {
    img.src = url;
  }, () => failed(box, info, options));
}

function renderPlayer(box, info, options, kind) {
  const { media } = options;
  const label = kind === 'audio' ? 'chat.attachment.audioLabel' : 'chat.attachment.videoLabel';
  const player = h(kind, { class: `chat-att-${kind}-player`, controls: '', preload: 'metadata', tattrs: { 'aria-label': label } });
  if (kind === 'video') player.setAttribute('playsinline', '');
  const meta = h('div', { class: 'chat-att-meta' },
    h('span', { class: 'chat-att-name', text: info.name }),
    h('span', { class: 'chat-att-size', text: formatSize(info.size) }),
    downloadLink(info, media, { withIcon: false }));
  box.append(player, meta);
  learnDuration(player);
  media.url(info, false).then((url) => {
    player.src = url;
  }, () => failed(box, info, options));
}

/**
 * Recordings made with MediaRecorder (the voice notes Chromium and Firefox record as WebM) carry no length
 * in their header, so the player would show none and its seek bar would not work. Seeking far past the
 * end makes the browser read to the end of the (already downloaded) file and learn the length; then the
 * player goes back to the start, before anyone pressed play.
 */
function learnDuration(player) {
  player.addEventListener('loadedmetadata', () => {
    if (player.duration !== Infinity) return;
    const known = () => {
      if (!Number.isFinite(player.duration)) return;
      player.removeEventListener('durationchange', known);
      player.currentTime = 0;
    };
    player.addEventListener('durationchange', known);
    player.currentTime = Number.MAX_SAFE_INTEGER;
  }, { once: true });
}

function renderFile(box, info, media) {
  box.append(
    h('span', { class: 'chat-att-icon' }, icon('file')),
    h('span', { class: 'chat-att-file' },
      h('span', { class: 'chat-att-name', text: info.name }),
      h('span', { class: 'chat-att-size', text: formatSize(info.size) })),
    downloadLink(info, media));
}

/** Could not load: say so, with a try-again button. */
function failed(box, info, options) {
  if (box.querySelector('.chat-att-error')) return;
  const retry = h('button', { type: 'button', class: 'btn btn-link btn-small', t: 'chat.retry' });
  const note = h('p', { class: 'chat-att-error', role: 'status' }, h('span', { t: 'chat.attachment.loadFailed' }), ' ', retry);
  retry.addEventListener('click', () => {
    const fresh = attachmentView(info, options);
    box.replaceWith(fresh);
    fresh.querySelector('button, a, audio, video')?.focus();
  });
  box.append(note);
}

/**
 * Shows the full image in a modal dialog (Escape or the close button closes it; focus returns to
 * `returnTo`). Returns a function that closes it.
 */
export function openLightbox(info, media, returnTo) {
  const img = h('img', { class: 'chat-lightbox-img', alt: info.name || t('chat.attachment.summary.image') });
  const status = h('p', { class: 'chat-lightbox-status', role: 'status', t: 'common.loading' });
  const close = h('button', { type: 'button', class: 'btn-icon chat-lightbox-close', tattrs: { 'aria-label': 'chat.attachment.close' } }, icon('close'));
  const dialog = h('dialog', { class: 'chat-lightbox', 'aria-labelledby': 'chat-lightbox-name' },
    h('div', { class: 'chat-lightbox-bar' },
      h('span', { id: 'chat-lightbox-name', class: 'chat-lightbox-name', text: info.name }),
      downloadLink(info, media),
      close),
    h('div', { class: 'chat-lightbox-body' }, status, img));
  const done = () => {
    if (dialog.open) dialog.close();
  };
  close.addEventListener('click', done);
  // A click on the backdrop (the dialog itself, outside its content) closes it too.
  dialog.addEventListener('click', (ev) => {
    if (ev.target === dialog) done();
  });
  // Escape closes the dialog only (inside the widget it would otherwise close the whole panel too).
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') ev.stopPropagation();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  media.url(info, false).then((url) => {
    img.src = url;
    status.hidden = true;
  }, () => setText(status, 'chat.attachment.loadFailed'));
  return done;
}
