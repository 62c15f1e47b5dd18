import { GatehouseError } from '../errors.js';
import { PasswordHasher } from './passwords.js';

export interface CredentialRules {
  usernameRegex: RegExp;
  usernameMinLength: number;
  usernameMaxLength: number;
  passwordMinLength: number;
  passwordMaxLength: number;
}

/** Usernames are compared lower-cased and trimmed everywhere (MySQL's _ci and SQLite agree then). */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Email lookups ignore case: stored and searched lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Username rules; applied on creation and on every change. */
export function usernameProblem(rules: CredentialRules, username: string): string | undefined {
  const length = [...username].length;
  if (length < rules.usernameMinLength) return 'username too short';
  if (length > rules.usernameMaxLength) return 'username too long';
  if (!rules.usernameRegex.test(username)) return 'invalid username characters';
  return undefined;
}

/** Password rules; applied on creation, on change and on reset alike. Never trimmed. */
export function passwordProblem(rules: CredentialRules, password: string): string | undefined {
  if ([...password].length < rules.passwordMinLength) return 'password too short';
  if (Buffer.byteLength(password, 'utf8') > rules.passwordMaxLength || !PasswordHasher.fitsBcrypt(password)) return 'password too long';
  return undefined;
}

export function assertCredentialRules(rules: CredentialRules, checks: { username?: string; password?: string }): void {
  const problem =
    (checks.username === undefined ? undefined : usernameProblem(rules, checks.username)) ??
    (checks.password === undefined ? undefined : passwordProblem(rules, checks.password));
  if (problem) throw new GatehouseError('credentials_failed_requirements', { message: problem });
}
