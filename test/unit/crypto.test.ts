import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveContinueUrl } from '../../core/kernel/continue-url.js';
import { constantTimeEqual, randomDigits, randomToken, SecretBox, sha256Hex } from '../../core/crypto.js';
import { PasswordHasher } from '../../core/kernel/passwords.js';

describe('secrets', () => {
  it('makes 256-bit url-safe tokens and hashes them with SHA-256', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'); // UTF-8, as tokens and cookies arrive
  });

  it('compares in constant time and still answers correctly', () => {
    expect(constantTimeEqual('same', 'same')).toBe(true);
    expect(constantTimeEqual('same', 'Same')).toBe(false);
    expect(constantTimeEqual('short', 'longer-value')).toBe(false);
  });

  it('draws digits without modulo bias (each digit about 10%)', () => {
    const counts = new Array(10).fill(0);
    for (const d of randomDigits(20_000)) counts[Number(d)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(300);
  });

  it('seals secrets so they only open with the same key and context', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:account-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp:account-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'totp:account-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'totp:account-1')).toThrow();
  });
});

describe('passwords', () => {
  const hasher = new PasswordHasher(4);

  it('hashes in bcrypt format and verifies', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('wrong horse', hash)).toBe(false);
  });

  it('verifies existing simple-auth ($2a$10$) hashes', async () => {
    // Go's x/crypto/bcrypt writes the $2a$ prefix at cost 10; the hash body is the same algorithm.
    const imported = await new PasswordHasher(10).hash('password');
    expect(await hasher.verify('password', imported.replace(/^\$2b\$/, '$2a$'))).toBe(true);
  });

  it('refuses passwords over 72 bytes instead of truncating them', async () => {
    const long = 'a'.repeat(73);
    await expect(hasher.hash(long)).rejects.toMatchObject({ code: 'credentials_failed_requirements' });
    const hash = await hasher.hash('a'.repeat(72));
    expect(await hasher.verify(long, hash)).toBe(false);
  });

  it('spends a hash on unknown users too', async () => {
    expect(await hasher.verify('anything', undefined)).toBe(false);
  });
});

describe('continue URLs', () => {
  const allowed = [/^(?:https:\/\/app\.example\.com\/.*)$/];
  it('follows only allowed URLs', () => {
    expect(resolveContinueUrl('https://app.example.com/a', allowed, '/')).toBe('https://app.example.com/a');
    expect(resolveContinueUrl('https://evil.example.net/', allowed, '/')).toBe('/');
    expect(resolveContinueUrl(undefined, allowed, '/home')).toBe('/home');
    expect(resolveContinueUrl('https://app.example.com/\\evil', allowed, '/')).toBe('/');
  });
});
