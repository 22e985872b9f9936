// Screens before the console: first run, setup, sign-in, second factor, invite acceptance and TOTP
// enrolment with recovery codes. Each screen reports the next stage through `proceed(stage, user)`.

import { api, enc } from './api.js';
import { h, icon } from './dom.js';
import { field, submitButton, button, onSubmit, requireValue, requireEmail, requireNewPassword, copyText, MIN_PASSWORD_LENGTH, runAction } from './forms.js';
import { authLayout, mountScreen } from './layout.js';
import { showError, showSuccess, showMessage, errorKey, ClientError } from './messages.js';
import { t } from './i18n.js';

function heading(key) {
  return h('h1', { class: 'auth-title', t: key, tabindex: '-1' });
}

function lead(key, args) {
  return h('p', { class: 'lead', t: key, targs: args });
}

export function renderFirstRun({ missingToken = false } = {}) {
  const title = heading('firstRun.title');
  mountScreen(authLayout(
    h('div', { class: 'auth-icon' }, icon('key')),
    title,
    lead('firstRun.lead'),
    h('p', { class: 'muted', t: 'firstRun.where' }),
    h('p', { class: 'example' }, h('code', { t: 'firstRun.example' })),
    missingToken ? h('p', { class: 'muted', t: 'firstRun.missingToken' }) : null,
  ), { title: 'firstRun.title', focus: title });
}

export function renderStartupError(err, retry) {
  const title = heading('startup.title');
  const retryBtn = button('startup.retry', { cls: 'btn btn-primary', onClick: () => retry() });
  mountScreen(authLayout(
    title,
    lead(errorKey(err.code || 'INTERNAL'), { code: err.code || 'INTERNAL' }),
    h('div', { class: 'actions' }, retryBtn),
  ), { title: 'startup.title', focus: title });
}

export function renderLogin({ proceed }) {
  const email = field({ id: 'login-email', label: 'login.email', type: 'email', autocomplete: 'username', attrs: { inputmode: 'email', spellcheck: 'false', autocapitalize: 'none' } });
  const password = field({ id: 'login-password', label: 'login.password', type: 'password', autocomplete: 'current-password' });
  const submit = submitButton('login-submit', 'login.submit', 'btn-block');
  const form = h('form', { id: 'login-form', class: 'form', method: 'post', action: '/login' }, email.wrap, password.wrap, submit);
  onSubmit(form, submit, async () => {
    const body = { email: requireValue(email.input), password: requireValue(password.input) };
    const res = await api('POST', '/api/auth/login', body);
    password.input.value = '';
    await proceed(res.stage, res.user);
  }, { fields: { email: email.input, password: password.input } });
  mountScreen(authLayout(
    heading('login.title'),
    lead('login.lead'),
    form,
    h('p', { class: 'muted small', t: 'login.forgot' }),
  ), { title: 'login.title', focus: email.input });
}

export function renderSecondFactor({ proceed, signOut }) {
  const code = field({
    id: 'second-factor-code', label: 'second.code', autocomplete: 'one-time-code', hint: 'second.hint',
    attrs: { spellcheck: 'false', autocapitalize: 'none', maxlength: '64' },
  });
  const submit = submitButton('second-factor-submit', 'second.submit', 'btn-block');
  const form = h('form', { id: 'second-factor-form', class: 'form', method: 'post', action: '/login' }, code.wrap, submit);
  onSubmit(form, submit, async () => {
    const value = requireValue(code.input).replace(/\s+/g, '');
    const res = await api('POST', '/api/auth/second-factor', { code: value });
    await proceed(res.stage || 'FULL', res.user);
  }, { fields: { code: code.input } });
  const telegramBox = h('div', { class: 'actions actions-center', id: 'second-factor-telegram-box', hidden: true });
  mountScreen(authLayout(
    h('div', { class: 'auth-icon' }, icon('key')),
    heading('second.title'),
    lead('second.lead'),
    form,
    telegramBox,
    h('div', { class: 'actions actions-center' }, button('auth.otherAccount', { cls: 'btn btn-link', onClick: () => signOut() })),
  ), { title: 'second.title', focus: code.input });
  offerTelegramCode(telegramBox, code.input);
}

/** Where the account has a linked Telegram, a button that sends a sign-in code there. */
async function offerTelegramCode(box, codeInput) {
  try {
    const res = await api('GET', '/api/auth/telegram-code');
    if (!res || !res.available) return;
  } catch {
    return; // no Telegram here: the screen stays as it is
  }
  const send = button('second.telegramSend', { id: 'second-factor-telegram', cls: 'btn btn-secondary', iconName: 'send' });
  send.addEventListener('click', () => runAction(send, async () => {
    await api('POST', '/api/auth/telegram-code');
    showSuccess('second.telegramSent');
    codeInput.focus();
  }));
  box.replaceChildren(send);
  box.hidden = false;
}

export function renderSetup(token, { proceed }) {
  const name = field({ id: 'setup-name', label: 'setup.name', autocomplete: 'name' });
  const email = field({ id: 'setup-email', label: 'setup.email', type: 'email', autocomplete: 'username', attrs: { inputmode: 'email', spellcheck: 'false', autocapitalize: 'none' } });
  const password = field({ id: 'setup-password', label: 'setup.password', type: 'password', autocomplete: 'new-password', hint: 'form.passwordRule', hintArgs: { min: MIN_PASSWORD_LENGTH } });
  const confirm = field({ id: 'setup-password-confirm', label: 'setup.passwordConfirm', type: 'password', autocomplete: 'new-password' });
  const submit = submitButton('setup-submit', 'setup.submit', 'btn-block');
  const form = h('form', { id: 'setup-form', class: 'form', method: 'post', action: '/setup' },
    name.wrap, email.wrap, password.wrap, confirm.wrap, submit);
  onSubmit(form, submit, async () => {
    const body = {
      token,
      name: requireValue(name.input),
      email: requireEmail(email.input),
      password: requireNewPassword(password.input, confirm.input),
    };
    const res = await api('POST', '/api/setup', body);
    await proceed(res.stage || 'ENROL', res.user);
  }, { fields: { name: name.input, email: email.input, password: password.input } });
  mountScreen(authLayout(
    heading('setup.title'),
    lead('setup.lead'),
    form,
  ), { title: 'setup.title', focus: name.input });
}

export async function renderInvite(token, { proceed }) {
  const title = heading('invite.title');
  const body = h('div', { class: 'stack', 'aria-busy': 'true' }, h('p', { class: 'muted', t: 'common.loading' }));
  mountScreen(authLayout(title, body), { title: 'invite.title' });

  let invite;
  try {
    invite = await api('GET', `/api/invites/${enc(token)}`);
  } catch (err) {
    body.removeAttribute('aria-busy');
    if (err.code === 'INVITE_INVALID' || err.code === 'NOT_FOUND') {
      err.code = 'INVITE_INVALID';
      const loginLink = h('a', { href: '/login', class: 'btn btn-secondary', t: 'invite.toLogin' });
      body.replaceChildren(lead('invite.invalidLead'), h('div', { class: 'actions' }, loginLink));
    } else {
      const retry = button('startup.retry', { cls: 'btn btn-secondary', onClick: () => renderInvite(token, { proceed }) });
      body.replaceChildren(h('div', { class: 'actions' }, retry));
    }
    title.focus();
    showError(err);
    return;
  }
  body.removeAttribute('aria-busy');
  const name = field({ id: 'invite-name', label: 'invite.name', autocomplete: 'name', value: invite.name || '' });
  const password = field({ id: 'invite-password', label: 'invite.password', type: 'password', autocomplete: 'new-password', hint: 'form.passwordRule', hintArgs: { min: MIN_PASSWORD_LENGTH } });
  const confirm = field({ id: 'invite-password-confirm', label: 'invite.passwordConfirm', type: 'password', autocomplete: 'new-password' });
  // A hidden username field lets password managers store the new password against the invited e-mail.
  const username = h('input', { type: 'email', autocomplete: 'username', value: invite.email || '', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', readonly: true });
  const submit = submitButton('invite-submit', 'invite.submit', 'btn-block');
  const form = h('form', { id: 'invite-form', class: 'form', method: 'post', action: '/invite' },
    username, name.wrap, password.wrap, confirm.wrap, submit);
  onSubmit(form, submit, async () => {
    const payload = { name: requireValue(name.input), password: requireNewPassword(password.input, confirm.input) };
    const res = await api('POST', `/api/invites/${enc(token)}/accept`, payload);
    await proceed(res.stage || 'ENROL', res.user);
  }, { fields: { name: name.input, password: password.input } });

  body.replaceChildren(
    lead('invite.lead', { role: { key: `role.${invite.role === 'ADMIN' ? 'ADMIN' : 'AGENT'}` } }),
    h('div', { class: 'invite-who' },
      h('span', { class: 'muted', t: 'invite.emailLabel' }),
      h('strong', { id: 'invite-email', text: invite.email || '' })),
    invite.expiresAt ? h('p', { class: 'muted small' },
      h('span', { t: 'invite.expires' }), ' ', h('time', { dt: invite.expiresAt })) : null,
    form,
  );
  name.input.focus();
}

export async function renderEnrol({ proceed, signOut, onFatal }) {
  const title = heading('enrol.title');
  const qrBox = h('div', { class: 'qr-box', 'aria-busy': 'true' }, h('div', { class: 'spinner', 'aria-hidden': 'true' }));
  const secret = h('code', { id: 'totp-secret', class: 'secret' });
  const secretRow = h('div', { class: 'secret-row', hidden: true },
    h('p', { class: 'muted small', t: 'enrol.cantScan' }), secret);
  const code = field({
    id: 'totp-code', label: 'enrol.code', autocomplete: 'one-time-code', hint: 'enrol.codeHint',
    attrs: { inputmode: 'numeric', pattern: '[0-9]*', maxlength: '6', spellcheck: 'false' },
  });
  const submit = submitButton('totp-submit', 'enrol.submit', 'btn-block');
  const form = h('form', { id: 'totp-form', class: 'form', method: 'post', action: '/login' }, code.wrap, submit);

  onSubmit(form, submit, async () => {
    const value = requireValue(code.input).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) throw new ClientError('INVALID_CODE', code.input);
    const res = await api('POST', '/api/auth/totp/confirm', { code: value });
    renderRecoveryCodes(res.recoveryCodes || [], () => proceed(res.stage || 'FULL', res.user));
  }, { fields: { code: code.input } });

  mountScreen(authLayout(
    title,
    lead('enrol.lead'),
    h('ol', { class: 'steps' },
      h('li', {}, h('p', { t: 'enrol.step1' })),
      h('li', {}, h('p', { t: 'enrol.step2' }), qrBox, secretRow),
      h('li', {}, h('p', { t: 'enrol.step3' }), form)),
    h('div', { class: 'actions actions-center' }, button('auth.otherAccount', { cls: 'btn btn-link', onClick: () => signOut() })),
  ), { title: 'enrol.title', focus: title });

  try {
    const res = await api('POST', '/api/auth/totp/enrol', {});
    const img = h('img', {
      id: 'totp-qr', class: 'qr', width: '220', height: '220',
      src: `data:image/svg+xml;base64,${btoa(res.qrSvg)}`,
      tattrs: { alt: 'enrol.qrAlt' },
    });
    qrBox.replaceChildren(img);
    qrBox.removeAttribute('aria-busy');
    secret.textContent = res.secret;
    secretRow.hidden = false;
  } catch (err) {
    qrBox.removeAttribute('aria-busy');
    qrBox.replaceChildren(button('enrol.retry', { cls: 'btn btn-secondary', onClick: () => renderEnrol({ proceed, signOut, onFatal }) }));
    if (!err.handled && (err.status === 401 || err.status === 403) && onFatal) {
      onFatal(err);
      return;
    }
    showError(err);
  }
}

function renderRecoveryCodes(codes, onContinue) {
  const list = h('ul', { id: 'recovery-codes', class: 'recovery-codes' }, codes.map((c) => h('li', { text: c })));
  const text = `${t('recovery.fileHeader')}\n\n${codes.join('\n')}\n`;
  const copyBtn = button('recovery.copy', {
    cls: 'btn btn-secondary', iconName: 'copy',
    onClick: async () => {
      if (await copyText(text)) showSuccess('recovery.copied');
      else showMessage('error', 'error.COPY_FAILED', null, 'COPY_FAILED');
    },
  });
  const fileUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const download = h('a', { class: 'btn btn-secondary', download: 'romotica-recovery-codes.txt', href: fileUrl },
    icon('download'), h('span', { t: 'recovery.download' }));
  const cont = h('button', { type: 'button', id: 'recovery-continue', class: 'btn btn-primary btn-block' }, h('span', { t: 'recovery.continue' }));
  cont.addEventListener('click', () => runAction(cont, onContinue));
  const title = heading('recovery.title');
  mountScreen(authLayout(
    h('div', { class: 'auth-icon auth-icon-ok' }, icon('check')),
    title,
    lead('recovery.lead'),
    list,
    h('div', { class: 'actions' }, copyBtn, download),
    h('p', { class: 'muted small', t: 'recovery.warning' }),
    cont,
  ), { title: 'recovery.title', focus: title });
  showSuccess('recovery.enrolled');
}
