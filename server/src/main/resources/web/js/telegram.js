// Account pane → Telegram: link this account's Telegram chat through a one-time deep link, choose which
// notifications arrive there and when not (quiet hours), unlink. Hidden where the server has no bot.

import { api } from './api.js';
import { h } from './dom.js';
import { button, runAction } from './forms.js';
import { showSuccess } from './messages.js';
import { currentLanguage } from './i18n.js';

const KINDS = ['conversations', 'messages', 'calls', 'missedCalls', 'presence', 'limits'];
const LINK_POLL_MS = 3000;
const LINK_LIFETIME_MS = 15 * 60 * 1000;

function minutes(value) {
  if (!value) return null;
  const [hh, mm] = value.split(':').map(Number);
  return hh * 60 + mm;
}

function clock(m) {
  if (m === null || m === undefined) return '';
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The Telegram card for the Account pane; it fills itself and stays hidden without a bot. */
export function telegramCard() {
  const body = h('div', { class: 'stack' });
  const card = h('section', { class: 'card', id: 'telegram-card', 'aria-labelledby': 'telegram-h', hidden: true },
    h('h2', { id: 'telegram-h', class: 'card-title', tabindex: '-1', t: 'telegram.title' }),
    body);

  async function load() {
    const status = await api('GET', '/api/telegram/link');
    if (!status || !status.enabled) {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    body.replaceChildren(...(status.linked ? linkedView(status) : unlinkedView()));
  }

  function unlinkedView() {
    const out = h('div', { class: 'stack', id: 'telegram-deep-link' });
    const start = button('telegram.link', { id: 'telegram-link', cls: 'btn btn-primary', iconName: 'send' });
    start.addEventListener('click', () => runAction(start, async () => {
      const link = await api('POST', '/api/telegram/link');
      out.replaceChildren(
        h('p', { t: 'telegram.openLink' }),
        h('p', {}, h('a', { id: 'telegram-deep-link-url', href: link.url, target: '_blank', rel: 'noopener noreferrer', class: 'btn btn-secondary', text: link.url })),
        h('p', { class: 'muted small', t: 'telegram.linkOnce' }));
      waitForLink(Date.now() + LINK_LIFETIME_MS);
    }));
    return [h('p', { class: 'muted', t: 'telegram.lead' }), start, out];
  }

  function waitForLink(until) {
    setTimeout(async () => {
      if (!card.isConnected || Date.now() > until) return;
      try {
        const status = await api('GET', '/api/telegram/link');
        if (status && status.linked) {
          showSuccess('telegram.linked');
          body.replaceChildren(...linkedView(status));
          return;
        }
      } catch {
        // next round
      }
      waitForLink(until);
    }, LINK_POLL_MS);
  }

  function linkedView(status) {
    const prefs = status.preferences;
    const boxes = KINDS.map((kind) => {
      const input = h('input', { type: 'checkbox', id: `telegram-${kind}` });
      input.checked = Boolean(prefs[kind]);
      return { kind, input, wrap: h('label', { class: 'check', for: `telegram-${kind}` }, input, h('span', { t: `telegram.kind.${kind}` })) };
    });
    const muted = h('input', { type: 'checkbox', id: 'telegram-muted' });
    muted.checked = Boolean(prefs.muted);
    const from = h('input', { type: 'time', id: 'telegram-quiet-from', value: clock(prefs.quietFrom) });
    const until = h('input', { type: 'time', id: 'telegram-quiet-until', value: clock(prefs.quietUntil) });
    const save = button('telegram.save', { id: 'telegram-save', cls: 'btn btn-primary' });
    save.addEventListener('click', () => runAction(save, async () => {
      const body = Object.fromEntries(boxes.map((b) => [b.kind, b.input.checked]));
      Object.assign(body, {
        muted: muted.checked,
        quietFrom: minutes(from.value),
        quietUntil: minutes(until.value),
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        language: currentLanguage(),
      });
      await api('PUT', '/api/telegram/preferences', body);
      showSuccess('telegram.saved');
    }));
    const unlink = button('telegram.unlink', { id: 'telegram-unlink', cls: 'btn btn-secondary' });
    unlink.addEventListener('click', () => runAction(unlink, async () => {
      await api('DELETE', '/api/telegram/link');
      showSuccess('telegram.unlinked');
      await load();
    }));
    return [
      h('p', { id: 'telegram-linked', t: 'telegram.linkedAs', targs: { name: status.telegramUsername ? `@${status.telegramUsername}` : '—' } }),
      h('fieldset', { class: 'stack' }, h('legend', { t: 'telegram.notify' }), ...boxes.map((b) => b.wrap),
        h('label', { class: 'check', for: 'telegram-muted' }, muted, h('span', { t: 'telegram.muted' }))),
      h('fieldset', { class: 'stack' }, h('legend', { t: 'telegram.quiet' }),
        h('p', { class: 'muted small', t: 'telegram.quietHint' }),
        h('div', { class: 'actions' },
          h('label', { for: 'telegram-quiet-from', t: 'telegram.quietFrom' }), from,
          h('label', { for: 'telegram-quiet-until', t: 'telegram.quietUntil' }), until)),
      h('p', { class: 'muted small', t: 'telegram.replyHint' }),
      h('div', { class: 'actions' }, save, unlink),
    ];
  }

  load().catch(() => { card.hidden = true; });
  return card;
}
