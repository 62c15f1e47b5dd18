import type { Request, Response } from 'express';
import { sendPage } from './html.js';
import { PORTAL_TOKEN_KEY } from './portal.js';

/**
 * GET /portal/approve?login_session_id=…: the link in the sign-in code mail. The portal is
 * bearer-only, so the page approves with the portal token this browser already holds (left in
 * sessionStorage by a portal sign-in, e.g. /cli-login) and never with anything in the link: a
 * forwarded mail alone approves nothing. The person sees when and where the sign-in started (in
 * the mail) and decides; approve-2fa / reject-2fa do the rest.
 */
export function approveSignInPage() {
  return (_req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'no-store');
    sendPage(res, {
      title: 'Approve a sign-in',
      body: `<h1>Approve a sign-in</h1>
<p id="status" role="status"></p>
<div id="decide" hidden>
  <p>Someone is signing in to your account. Approve only if it is you.</p>
  <button id="approve" type="button">Approve</button>
  <button id="reject" type="button">Reject</button>
</div>`,
      script: APPROVE_SCRIPT,
    });
  };
}

const APPROVE_SCRIPT = `
const status = document.getElementById('status');
const decide = document.getElementById('decide');
const loginSessionId = new URLSearchParams(location.search).get('login_session_id') || '';
history.replaceState(null, '', location.pathname);
let token;
try { token = JSON.parse(sessionStorage.getItem(${JSON.stringify(PORTAL_TOKEN_KEY)}) || 'null')?.access_token; } catch { token = undefined; }
if (!loginSessionId) status.textContent = 'This link is incomplete.';
else if (!token) status.textContent = 'Open this link on a device where you are signed in to the portal.';
else decide.hidden = false;
async function send(action, done) {
  decide.hidden = true;
  const response = await fetch('/v1/auth/' + action, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token }, body: JSON.stringify({ login_session_id: loginSessionId }) });
  status.textContent = response.ok ? done : 'This sign-in request has expired or was already decided.';
}
document.getElementById('approve').addEventListener('click', () => send('approve-2fa', 'Approved. The other device is signing in.'));
document.getElementById('reject').addEventListener('click', () => send('reject-2fa', 'Rejected. The other device will not be signed in.'));
`;
