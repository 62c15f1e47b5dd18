import type { NextFunction, Request, Response } from 'express';
import { isGatehouseError } from '../../core/errors.js';
import type { AuthorizeRequest } from '../../core/kernel/oauth2/authorize.js';
import type { SimpleAuthRules } from '../../core/faces/simple-auth/index.js';
import { freshEnough, reauthenticationUrl, signInDemand } from './authorize-prompt.js';
import { escapeHtml, sendPage } from './html.js';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in with your Gatehouse account',
  email: 'See your email address',
  username: 'See your username and name',
  profile: 'See your username and name',
};

/**
 * GET /oauth2/authorize (RFC 6749 §4.1.1): the authorization endpoint of the discovery document.
 * The request is checked before anything is shown; a bad client or redirect URI gets an error
 * page and never a redirect (§4.1.2.1: that would make us an open redirector). Without a session
 * the browser goes to /login and comes back here. Approval posts to /api/v1/auth/oauth2/grant with
 * the double-submit CSRF token; the page then sends the browser to the redirect URI.
 */
export function consentPage(rules: SimpleAuthRules) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const issuer = rules.settings.publicUrl;
      const param = (name: string) => (typeof req.query[name] === 'string' && req.query[name] !== '' ? (req.query[name] as string) : undefined);
      const request: AuthorizeRequest = {
        clientId: param('client_id') ?? '',
        responseType: param('response_type') ?? '',
        redirectUri: param('redirect_uri') ?? '',
        scope: param('scope'),
        state: param('state'),
        codeChallenge: param('code_challenge'),
        codeChallengeMethod: param('code_challenge_method'),
        nonce: param('nonce'),
      };
      const client = await rules.oauth2.client(request.clientId);
      if (!client || !client.redirectUris.includes(request.redirectUri)) return void errorPage(res, client ? 'The redirect URI is not registered for this application.' : 'Unknown application.');
      let scopes: string[];
      try {
        scopes = (await rules.oauth2.checkAuthorizeRequest(request)).scopes;
      } catch (error) {
        if (!isGatehouseError(error)) throw error;
        // The redirect URI is verified: tell the client (§4.1.2.1).
        return void res.redirect(302, withParams(request.redirectUri, { error: error.reason ?? 'invalid_request', error_description: error.message, state: request.state, iss: issuer }));
      }
      // From here on the client is told by redirect (RFC 9207: with our `iss`, against mix-up).
      const toClient = (params: Record<string, string | undefined>) => res.redirect(302, withParams(request.redirectUri, { ...params, state: request.state, iss: issuer }));
      const now = rules.clock.now();
      const demand = signInDemand(req, now);
      if ('invalid' in demand) return void toClient({ error: 'invalid_request', error_description: demand.invalid });
      const cookie = (req.cookies as Record<string, string> | undefined)?.[rules.settings.sessionCookie];
      const found = cookie ? await rules.sessions.resolve(cookie) : undefined;
      const live = found && freshEnough(found, demand) ? found : undefined;
      // prompt=none: silent renewal in a hidden frame; never a page, only an answer (OIDC Core §3.1.2.6).
      if (demand.none && !live) return void toClient({ error: 'login_required', error_description: found ? 'the sign-in is older than max_age' : 'no signed-in session' });
      if (!live || demand.login) return void res.redirect(302, `/login?continue=${encodeURIComponent(demand.login ? reauthenticationUrl(req.originalUrl, now) : req.originalUrl)}`);
      if (demand.none) {
        try {
          const granted = await rules.oauth2.authorize(live.account, { ...request, auto: true, authTime: live.session.createdAt }, { requestId: String(res.locals.requestId ?? ''), ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
          return void toClient({ code: granted.code });
        } catch (error) {
          if (!isGatehouseError(error)) throw error;
          return void toClient({ error: 'consent_required', error_description: 'the account has not granted these scopes to this application' });
        }
      }

      const grant = {
        client_id: client.id,
        response_type: 'code',
        redirect_uri: request.redirectUri,
        ...(request.scope ? { scope: scopes.join(' ') } : {}),
        ...(request.state ? { state: request.state } : {}),
        ...(request.codeChallenge ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' } : {}),
        ...(request.nonce ? { nonce: request.nonce } : {}),
      };
      const author = client.author ? `<p class="author">by ${client.authorUrl ? `<a href="${escapeHtml(client.authorUrl)}" rel="noopener noreferrer">${escapeHtml(client.author)}</a>` : escapeHtml(client.author)}</p>` : '';
      const items = scopes.map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('');
      sendPage(res, {
        title: `Authorize ${client.name}`,
        head: [
          `<meta name="csrf" content="${escapeHtml(String(res.locals.csrfToken ?? ''))}">`,
          `<meta name="grant" content="${escapeHtml(JSON.stringify(grant))}">`,
          `<meta name="auto" content="${client.settings.allowAutoGrant && !demand.consent ? 'true' : 'false'}">`,
          `<meta name="issuer" content="${escapeHtml(issuer)}">`,
        ].join('\n'),
        body: `<div id="consent"${client.settings.allowAutoGrant && !demand.consent ? ' hidden' : ''}>
<h1><span id="client-name">${escapeHtml(client.name)}</span> wants to use your account</h1>
${author}
<p>Signed in as <strong id="account">${escapeHtml(live.account.username)}</strong>. It will be able to:</p>
<ul id="scopes">${items || '<li>Know that you are signed in</li>'}</ul>
<button id="approve" type="button">Allow</button>
<button id="deny" type="button">Deny</button>
</div>
<p id="error" class="error" role="alert"></p>`,
        script: CONSENT_SCRIPT,
      });
    } catch (error) {
      next(error);
    }
  };
}

function errorPage(res: Response, message: string): void {
  res.status(400);
  sendPage(res, { title: 'Authorization failed', body: `<h1>Authorization failed</h1>\n<p id="error" class="error">${escapeHtml(message)}</p>`, script: '' });
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

const CONSENT_SCRIPT = `
const meta = (name) => document.querySelector('meta[name="' + name + '"]').content;
const grant = JSON.parse(meta('grant'));
const error = document.getElementById('error');
const csrf = () => (document.cookie.split('; ').find((c) => c.startsWith('_csrf=')) || '').slice(6) || meta('csrf');
function finish(params) {
  const url = new URL(grant.redirect_uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (grant.state) url.searchParams.set('state', grant.state);
  url.searchParams.set('iss', meta('issuer'));
  window.location.assign(url.toString());
}
async function requestCode(auto) {
  const response = await fetch('/api/v1/auth/oauth2/grant', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
    body: JSON.stringify(Object.assign({}, grant, { auto })),
  });
  const answer = await response.json().catch(() => ({}));
  return response.ok ? answer.code : Promise.reject(answer);
}
document.getElementById('approve').addEventListener('click', async () => {
  error.textContent = '';
  try { finish({ code: await requestCode(false) }); }
  catch (answer) { error.textContent = (answer && (answer.error_description || answer.message)) || 'Authorization failed. Try again.'; }
});
document.getElementById('deny').addEventListener('click', () => finish({ error: 'access_denied' }));
if (meta('auto') === 'true') {
  // Silent re-consent: succeeds only when exactly these scopes were granted before.
  requestCode(true).then((code) => finish({ code }), () => { document.getElementById('consent').hidden = false; });
}
`;
