// Attachments on their way into a conversation. A picked, pasted, dropped or recorded file is uploaded at
// once (XMLHttpRequest, so the tray can show progress and the upload can be cancelled) and then waits in
// its thread's tray until it is sent: Send sends every waiting file, the composer's text becoming the
// caption of the first; a voice note is sent as soon as it is uploaded. Sending is an ordinary chat.send
// with attachmentId through ChatClient's outbox (acknowledged, idempotent, resent after a reconnect).
// Files leave the tray in the order they were added. No DOM here: the thread view renders the tray.
//
// Upload: POST /api/chat/conversations/{id}/attachments, raw body, X-File-Name (percent-encoded),
// Content-Type as a hint; answer AttachmentInfo or {code, message} (see docs/architecture.md, "Live chat").

import { ApiError } from './api.js';

/** What the file picker offers (the server decides from the bytes; this only narrows the picker). */
export const ACCEPT = [
  'image/*', 'audio/*', 'video/mp4', 'video/webm', 'video/ogg', 'video/quicktime',
  'application/pdf', '.pdf', 'text/plain', '.txt', 'application/zip', '.zip',
  '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp',
].join(',');

/** Files this page uploaded are shown from memory instead of being downloaded again (up to this many). */
const LOCAL_BLOBS_MAX = 40;
/** A single picker or drop adds at most this many files (the server limits uploads per minute anyway). */
export const MAX_FILES_AT_ONCE = 10;

let itemSeq = 0;

/**
 * The trays of every thread of one ChatClient. Options:
 *   client     ChatClient (sendAttachment, sendText)
 *   headers    () → extra request headers: the visitor token, or the console's CSRF token
 *   visitor    true on the visitor page: a refused request that carried a console cookie is repeated
 *              without cookies (fetch, no progress)
 *   refreshAuth  async () → void, asked once after CSRF_REJECTED before one more try (console)
 */
export class Uploads {
  constructor({ client, headers, visitor = false, refreshAuth = null }) {
    this.client = client;
    this.headers = headers;
    this.visitor = visitor;
    this.refreshAuth = refreshAuth;
    this.trays = new Map(); // thread → [item]
    this.listeners = new Map(); // thread → Set(fn)
    this.localBlobs = new Map(); // attachment id → Blob
  }

  /** The thread's waiting files, oldest first. Item: {key, name, type, size, state, loaded, code, …}. */
  items(thread) {
    return this.trays.get(thread) || [];
  }

  onChange(thread, fn) {
    if (!this.listeners.has(thread)) this.listeners.set(thread, new Set());
    this.listeners.get(thread).add(fn);
    return () => this.listeners.get(thread)?.delete(fn);
  }

  changed(thread) {
    for (const fn of [...(this.listeners.get(thread) || [])]) fn();
  }

  /**
   * Adds a file to a started conversation's tray and starts its upload. `send`: send as soon as uploaded
   * (voice notes). Returns the item.
   */
  add(thread, file, { name = file.name || '', send = false, voice = false } = {}) {
    if (!thread || !thread.id) throw new Error('attachments need a started conversation');
    itemSeq += 1;
    const item = {
      key: `u${itemSeq}`, file, name, type: file.type || '', size: file.size, voice,
      state: 'uploading', loaded: 0, code: null, retryAfter: null, info: null, abort: null,
      send, caption: '',
    };
    if (!this.trays.has(thread)) this.trays.set(thread, []);
    this.trays.get(thread).push(item);
    this.changed(thread);
    this.upload(thread, item);
    return item;
  }

  /** Stops an upload (or drops a waiting or failed file); its caption moves on to the next file sent. */
  cancel(thread, key) {
    const list = this.items(thread);
    const item = list.find((i) => i.key === key);
    if (!item) return;
    if (item.abort) item.abort();
    item.abort = null;
    this.remove(thread, item);
    if (item.send && item.caption) this.passCaption(thread, item.caption);
    this.flush(thread);
  }

  retry(thread, key) {
    const item = this.items(thread).find((i) => i.key === key);
    if (!item || item.state !== 'failed') return;
    this.upload(thread, item);
  }

  /**
   * Send pressed: every file of the tray goes out when uploaded, `caption` with the first. Returns false
   * when the tray had nothing to send (the caller sends the text as a message then).
   */
  sendAll(thread, caption) {
    const waiting = this.items(thread).filter((i) => !i.send && i.state !== 'failed');
    if (waiting.length === 0) return false;
    waiting.forEach((i) => {
      i.send = true;
    });
    waiting[0].caption = caption || '';
    this.changed(thread);
    this.flush(thread);
    return true;
  }

  /** Whether the thread has files that Send would send. */
  hasSendable(thread) {
    return this.items(thread).some((i) => !i.send && i.state !== 'failed');
  }

  /** Stops every upload (leaving the page or forgetting the visitor). */
  dispose() {
    for (const list of this.trays.values()) for (const i of list) if (i.abort) i.abort();
    this.trays.clear();
    this.listeners.clear();
  }

  // --- inside ---

  remove(thread, item) {
    const list = this.items(thread);
    const at = list.indexOf(item);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.trays.delete(thread);
    this.changed(thread);
  }

  passCaption(thread, caption) {
    const next = this.items(thread).find((i) => i.send && i.state !== 'failed');
    if (next) next.caption = next.caption ? `${caption}\n${next.caption}` : caption;
    else this.client.sendText(thread, caption);
  }

  /** Sends the uploaded files that are due, in tray order; stops at one still uploading. */
  flush(thread) {
    for (const item of [...this.items(thread)]) {
      if (!item.send || item.state === 'failed') continue;
      if (item.state !== 'ready') return;
      this.keepBlob(item.info.id, item.file);
      this.remove(thread, item);
      this.client.sendAttachment(thread, item.info, item.caption);
    }
  }

  keepBlob(id, blob) {
    this.localBlobs.set(id, blob);
    while (this.localBlobs.size > LOCAL_BLOBS_MAX) this.localBlobs.delete(this.localBlobs.keys().next().value);
  }

  async upload(thread, item) {
    item.state = 'uploading';
    item.loaded = 0;
    item.code = null;
    item.retryAfter = null;
    this.changed(thread);
    const path = `/api/chat/conversations/${encodeURIComponent(thread.id)}/attachments`;
    let tries = 0;
    for (;;) {
      tries += 1;
      let attempt;
      try {
        attempt = await this.send(path, item, (loaded) => {
          item.loaded = loaded;
          this.changed(thread);
        });
      } catch (err) {
        if (err && err.name === 'AbortError') return; // cancelled: the item is gone already
        const e = err instanceof ApiError ? err : new ApiError(0, null, null);
        if (e.code === 'CSRF_REJECTED' && tries === 1) {
          if (this.visitor) {
            // A console session cookie of this browser rode along: repeat without cookies.
            item.noCookies = true;
            continue;
          }
          if (this.refreshAuth) {
            await this.refreshAuth().catch(() => {});
            continue;
          }
        }
        if (!this.items(thread).includes(item)) return;
        item.state = 'failed';
        item.code = e.code;
        item.retryAfter = e.retryAfterSeconds;
        item.abort = null;
        this.changed(thread);
        this.flush(thread);
        return;
      }
      if (!this.items(thread).includes(item)) return;
      item.abort = null;
      item.info = attempt;
      item.loaded = item.size;
      item.state = 'ready';
      this.changed(thread);
      this.flush(thread);
      return;
    }
  }

  /** One upload request; resolves to the AttachmentInfo, rejects with ApiError or an AbortError. */
  send(path, item, progress) {
    const headers = { ...this.headers(), 'X-File-Name': encodeURIComponent(item.name || 'file') };
    if (item.type) headers['Content-Type'] = item.type;
    else headers['Content-Type'] = 'application/octet-stream';
    if (item.noCookies) return this.sendWithoutCookies(path, item, headers);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      for (const [k, v] of Object.entries(headers)) if (v) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (ev) => progress(ev.loaded));
      xhr.addEventListener('load', () => {
        const data = parse(xhr.responseText);
        if (xhr.status === 201 || xhr.status === 200) {
          if (data && typeof data.id === 'string') resolve(data);
          else reject(new ApiError(xhr.status >= 500 ? xhr.status : 500, null, null));
        } else {
          reject(new ApiError(xhr.status, data, xhr.getResponseHeader('Retry-After')));
        }
      });
      xhr.addEventListener('error', () => reject(new ApiError(0, null, null)));
      xhr.addEventListener('abort', () => reject(abortError()));
      item.abort = () => xhr.abort();
      xhr.send(item.file);
    });
  }

  async sendWithoutCookies(path, item, headers) {
    const controller = new AbortController();
    item.abort = () => controller.abort();
    let res;
    try {
      res = await fetch(path, {
        method: 'POST', headers: { ...headers, Accept: 'application/json' }, body: item.file,
        credentials: 'omit', cache: 'no-store', signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted) throw abortError();
      throw new ApiError(0, null, null);
    }
    const data = parse(await res.text().catch(() => ''));
    if (!res.ok) throw new ApiError(res.status, data, res.headers.get('Retry-After'));
    if (!data || typeof data.id !== 'string') throw new ApiError(500, null, null);
    return data;
  }
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function abortError() {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}
