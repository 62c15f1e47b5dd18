import type { Request, Response } from 'express';
import { resolveContinueUrl } from '../../core/kernel/continue-url.js';
import type { SimpleAuthSettings } from '../../core/faces/simple-auth/index.js';
import { escapeHtml, sendPage } from './html.js';

/**
 * GET /login: password (and, when the account has it, TOTP) sign-in through
 * POST /api/v1/auth/session with the CSRF token. The page decides nothing about redirects: the
 * server resolves `continue` against the allow-list before rendering.
 */
/**
 * Always allowed, like simple-auth's built-in `/#/oauth2.*`: our own consent page, as a
 * same-origin relative path (a single leading slash, so never `//host`, a protocol-relative URL).
 */
const BUILT_IN_CONTINUE = [/^\/oauth2\/authorize(?:\?[^#]*)?$/];

export function loginPage(settings: Pick<SimpleAuthSettings, 'allowedContinueUrls' | 'landingPage'>) {
  return (req: Request, res: Response): void => {
    const requested = typeof req.query.continue === 'string' ? req.query.continue : undefined;
    const target = resolveContinueUrl(requested, [...BUILT_IN_CONTINUE, ...settings.allowedContinueUrls], settings.landingPage);
    const csrf = String(res.locals.csrfToken ?? '');
    sendPage(res, {
      title: 'Sign in',
      head: `<meta name="csrf" content="${escapeHtml(csrf)}">\n<meta name="continue" content="${escapeHtml(target)}">`,
      body: `<h1>Sign in</h1>
<form id="login" novalidate>
  <label for="username">Username or email</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <div id="totp-row" hidden>
    <label for="totp">Authentication code</label>
    <input id="totp" name="totp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code">
  </div>
  <button id="submit" type="submit">Sign in</button>
  <p id="error" class="error" role="alert"></p>
</form>`,
      script: LOGIN_SCRIPT,
    });
  };
}

const LOGIN_SCRIPT = `
const meta = (name) => document.querySelector('meta[name="' + name + '"]').content;
const form = document.getElementById('login');
const totpRow = document.getElementById('totp-row');
const error = document.getElementById('error');
const MESSAGES = {
  'invalid-credentials': 'Wrong username or password.',
  'totp-failed': 'That code is not valid. Try the current one.',
  'inactive-account': 'This account is disabled.',
  'unsatisfied-stipulations': 'Confirm your email address first.',
  'throttled': 'Too many attempts. Wait a moment and try again.',
};
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const body = { username: form.username.value, password: form.password.value };
  if (!totpRow.hidden && form.totp.value) body.totp = form.totp.value;
  const response = await fetch('/api/v1/auth/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': meta('csrf') },
    body: JSON.stringify(body),
  });
  if (response.ok) { window.location.assign(meta('continue')); return; }
  const answer = await response.json().catch(() => ({}));
  if (answer.reason === 'totp-missing') {
    totpRow.hidden = false;
    form.totp.focus();
    return;
  }
  error.textContent = MESSAGES[answer.reason] || 'Sign-in failed. Try again.';
});
`;
