import type { Request, Response } from 'express';
import { escapeHtml, sendPage } from './html.js';

/** Where the CLI hand-over leaves the portal's tokens for the web app on this origin. */
export const PORTAL_TOKEN_KEY = 'gatehouse.portal.token';

/**
 * GET /cli-login?code=…: the page a CLI's `login_url` opens. The code travels in a URL, so the
 * page is no-referrer (sendPage) and no-store, drops the code from the address bar and history at
 * once, and redeems it immediately (consumeCliBrowserToken: single use, 120 s).
 */
export function cliLoginPage(landingPage: string) {
  return (_req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'no-store');
    sendPage(res, {
      title: 'Signing in',
      head: `<meta name="landing" content="${escapeHtml(landingPage)}">`,
      body: '<h1>Signing in from the CLI</h1>\n<p id="status" role="status">One moment…</p>',
      script: CLI_LOGIN_SCRIPT,
    });
  };
}

const CLI_LOGIN_SCRIPT = `
const status = document.getElementById('status');
const code = new URLSearchParams(location.search).get('code');
history.replaceState(null, '', location.pathname);
(async () => {
  if (!code) { status.textContent = 'This link is incomplete. Run the CLI command again.'; return; }
  const response = await fetch('/v1/auth/consume-cli-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  if (!response.ok) { status.textContent = 'This link has expired or was already used. Run the CLI command again.'; return; }
  sessionStorage.setItem(${JSON.stringify(PORTAL_TOKEN_KEY)}, JSON.stringify(await response.json()));
  status.textContent = 'Signed in.';
  location.replace(document.querySelector('meta[name="landing"]').content);
})();
`;

/**
 * GET /reset-password?token=…&portal_id=…: the emailed reset link. Checks the token without
 * consuming it (portalResetCallback), then sets the password (portalResetPassword).
 */
export function resetPasswordPage() {
  return (_req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'no-store');
    sendPage(res, {
      title: 'Choose a new password',
      body: `<h1>Choose a new password</h1>
<p id="status" role="status"></p>
<form id="reset" hidden novalidate>
  <label for="password">New password</label>
  <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
  <label for="confirm">Repeat it</label>
  <input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
  <button id="submit" type="submit">Set password</button>
  <p id="error" class="error" role="alert"></p>
</form>`,
      script: RESET_SCRIPT,
    });
  };
}

const RESET_SCRIPT = `
const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
const portalId = params.get('portal_id');
history.replaceState(null, '', location.pathname);
const form = document.getElementById('reset');
const status = document.getElementById('status');
const error = document.getElementById('error');
const expired = () => { status.textContent = 'This link has expired or was already used. Ask for a new one.'; form.hidden = true; };
(async () => {
  if (!token) return expired();
  if (portalId) {
    const check = await fetch('/v1/auth/portal/reset-callback?' + new URLSearchParams({ token, portal_id: portalId }));
    if (!check.ok || !(await check.json()).valid) return expired();
  }
  form.hidden = false;
  form.password.focus();
})();
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  if (form.password.value !== form.confirm.value) { error.textContent = 'The two passwords differ.'; return; }
  const body = { token, password: form.password.value };
  if (portalId) body.portal_id = portalId;
  const response = await fetch('/v1/auth/portal/reset-password', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.ok) { form.hidden = true; status.textContent = answer.detail; return; }
  if (typeof answer.detail === 'string' && answer.detail.startsWith('Password')) { error.textContent = answer.detail; return; }
  expired();
});
`;
