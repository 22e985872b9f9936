// The visitor's phone verification through the Telegram bot (where telegram.visitor.phone.verification is
// on): GET /api/chat/phone-verification says whether it is offered and the verified number once there is
// one; "Verify my phone with Telegram" asks POST for a one-time deep link (15 minutes), shown as a link that
// opens the bot, where the visitor shares their own contact. While the link is out the box asks the server
// now and then whether the number is verified, and then shows it. Nothing is shown where it is not offered.

import { h, icon, setText } from './dom.js';
import { showChatError } from './chat-view.js';

/** How often the box asks whether the visitor has shared their contact yet, while a link is out. */
const POLL_MS = 3000;

/**
 * `request(method, path)` makes a visitor request (token header) and resolves to the parsed answer.
 * Returns {root, start(), destroy()}; the root stays hidden until the server offers verification.
 */
export function createPhoneVerification({ request }) {
  const status = h('p', { id: 'phone-verify-status', class: 'phone-verify-status', role: 'status' });
  const button = h('button', { type: 'button', id: 'verify-phone', class: 'btn btn-secondary btn-small' },
    icon('send'), h('span', { t: 'chat.phone.verify' }));
  const link = h('a', {
    id: 'verify-phone-link', class: 'btn btn-primary btn-small', target: '_blank', rel: 'noopener noreferrer', hidden: true,
  }, h('span', { t: 'chat.phone.open' }));
  const hint = h('p', { class: 'hint', t: 'chat.phone.hint', hidden: true });
  const root = h('section', { id: 'phone-verify', class: 'phone-verify', hidden: true, tattrs: { 'aria-label': 'chat.phone.title' } },
    status, h('div', { class: 'btn-row' }, button, link), hint);
  let timer = null;
  let expiresAt = 0;
  let destroyed = false;

  function showVerified(phone) {
    clearTimeout(timer);
    timer = null;
    button.hidden = true;
    link.hidden = true;
    hint.hidden = true;
    root.classList.add('is-verified');
    setText(status, 'chat.phone.verified', { phone });
    status.hidden = false;
    root.hidden = false;
  }

  function apply(state) {
    if (destroyed || !state) return false;
    if (state.verifiedAt) {
      showVerified(state.phone || '');
      return true;
    }
    root.hidden = !state.offered;
    return false;
  }

  async function check() {
    timer = null;
    let state = null;
    try {
      state = await request('GET', '/api/chat/phone-verification');
    } catch {
      // Unknown for now: ask again at the next round.
    }
    if (apply(state) || destroyed) return;
    if (Date.now() < expiresAt) timer = setTimeout(check, POLL_MS);
    else if (!link.hidden) {
      // The link has expired: offer a fresh one.
      link.hidden = true;
      hint.hidden = true;
      button.hidden = false;
      setText(status, 'chat.phone.expired');
      status.hidden = false;
    }
  }

  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const res = await request('POST', '/api/chat/phone-verification');
      if (destroyed) return;
      link.href = res.url;
      expiresAt = Date.parse(res.expiresAt) || Date.now() + 15 * 60 * 1000;
      button.hidden = true;
      link.hidden = false;
      hint.hidden = false;
      status.hidden = true;
      clearTimeout(timer);
      timer = setTimeout(check, POLL_MS);
      link.focus();
    } catch (err) {
      showChatError(err.code || 'NETWORK');
    } finally {
      button.disabled = false;
    }
  });

  return {
    root,
    /** Asks whether verification is offered (and done); shows the box accordingly. */
    async start() {
      status.hidden = true;
      try {
        apply(await request('GET', '/api/chat/phone-verification'));
      } catch {
        root.hidden = true; // Telegram off, or the server unreachable: offer nothing
      }
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}
