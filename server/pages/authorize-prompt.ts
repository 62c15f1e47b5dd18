import type { Request } from 'express';
import type { LiveSession } from '../../core/kernel/sessions.js';

/**
 * What an authorization request asks of the sign-in behind it (OIDC Core §3.1.2.1): `prompt`
 * (`none`: never show a page; `login`: authenticate again; `consent`: ask again) and `max_age`
 * (the sign-in may be at most this old).
 */
export interface SignInDemand {
  none: boolean;
  login: boolean;
  consent: boolean;
  /** `max_age`: the session must have signed in at or after this instant (to the second) */
  signedInAfter: Date | undefined;
  /** `prompt=login` came this way: the session must have signed in at or after this instant (ms) */
  authAfter: Date | undefined;
}

/**
 * `auth_after` is Gatehouse's own parameter: the authorization URL that `prompt=login` sends to
 * the login page carries it instead of `prompt`, so the browser that comes back with a fresh
 * session is not sent to log in again (and the old session is not accepted).
 */
export const AUTH_AFTER = 'auth_after';

export function signInDemand(req: Request, now: Date): SignInDemand | { invalid: string } {
  const param = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
  const prompts = new Set((param('prompt') ?? '').split(' ').filter(Boolean));
  for (const p of prompts) if (!['none', 'login', 'consent', 'select_account'].includes(p)) return { invalid: `unsupported prompt value ${p}` };
  if (prompts.has('none') && prompts.size > 1) return { invalid: 'prompt=none cannot be combined with other values' };
  const maxAge = param('max_age');
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge)) return { invalid: 'max_age must be a number of seconds' };
  const after = param(AUTH_AFTER);
  return {
    none: prompts.has('none'),
    login: prompts.has('login'),
    consent: prompts.has('consent'),
    signedInAfter: maxAge === undefined ? undefined : new Date(now.getTime() - Number(maxAge) * 1000),
    authAfter: after !== undefined && /^\d{1,15}$/.test(after) ? new Date(Number(after)) : undefined,
  };
}

/** Whether the session's sign-in satisfies the demand (`max_age` counts whole seconds, as `auth_time` does). */
export function freshEnough(live: LiveSession, demand: SignInDemand): boolean {
  const signedIn = live.session.createdAt.getTime();
  if (demand.signedInAfter && signedIn < demand.signedInAfter.getTime() - 999) return false;
  return !demand.authAfter || signedIn >= demand.authAfter.getTime();
}

/** The same authorization URL, sent through the login page for a fresh sign-in (`prompt=login`). */
export function reauthenticationUrl(originalUrl: string, now: Date): string {
  const url = new URL(originalUrl, 'http://gatehouse.invalid');
  const prompts = (url.searchParams.get('prompt') ?? '').split(' ').filter((p) => p && p !== 'login');
  if (prompts.length) url.searchParams.set('prompt', prompts.join(' '));
  else url.searchParams.delete('prompt');
  url.searchParams.set(AUTH_AFTER, String(now.getTime()));
  return `${url.pathname}${url.search}`;
}
