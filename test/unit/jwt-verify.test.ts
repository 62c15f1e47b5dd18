import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyOwnEdDsaJwt } from '../../core/kernel/oauth2/jwt-verify.js';

const ISSUER = 'https://id.example.com';
const NOW = new Date('2026-12-04T10:00:00Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The main-thread verifier against tokens jose signs, and every way a token can be wrong. */
describe('verifyOwnEdDsaJwt', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'k1', ...header }).sign(await importJWK(await exportJWK(key), 'EdDSA'));
  const good = { iss: ISSUER, sub: 'u1', jti: 'j1', iat: seconds(NOW) - 10, exp: seconds(NOW) + 3600 };

  it('accepts what jose signs with the key, for the issuer, in its lifetime', async () => {
    expect(verifyOwnEdDsaJwt(await sign(good), publicKey, ISSUER, NOW)).toEqual(good);
    expect(verifyOwnEdDsaJwt(await sign({ ...good, nbf: seconds(NOW) }), publicKey, ISSUER, NOW)).toMatchObject({ jti: 'j1' });
  });

  it('refuses another key, another issuer, expiry, no expiry, a future nbf, a tampered payload, other algorithms and crit', async () => {
    const token = await sign(good);
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...good, sub: 'admin' })).toString('base64url')}.${s}`;
    const cases = [
      await sign(good, {}, other.privateKey),
      await sign({ ...good, iss: 'https://evil.example.com' }),
      await sign({ ...good, exp: seconds(NOW) }),
      await sign({ ...good, exp: undefined }),
      await sign({ ...good, nbf: seconds(NOW) + 60 }),
      await sign(good, { crit: ['b64'], b64: true }),
      tampered,
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${token.split('.')[1]}.`,
      'not.a.jwt',
      'two.parts',
      '',
    ];
    for (const bad of cases) expect(verifyOwnEdDsaJwt(bad, publicKey, ISSUER, NOW)).toBeUndefined();
  });

  it('remembers a verified signature per key, yet checks the claims again and never remembers a failure', async () => {
    const token = await sign({ ...good, jti: 'remembered' });
    expect(verifyOwnEdDsaJwt(token, publicKey, ISSUER, NOW)).toMatchObject({ jti: 'remembered' });
    // Remembered, the signature is not the question any more: expiry and issuer still are.
    expect(verifyOwnEdDsaJwt(token, publicKey, ISSUER, new Date(NOW.getTime() + 3600_000))).toBeUndefined();
    expect(verifyOwnEdDsaJwt(token, publicKey, 'https://other.example.com', NOW)).toBeUndefined();
    // What one key verified says nothing to another key.
    expect(verifyOwnEdDsaJwt(token, other.publicKey, ISSUER, NOW)).toBeUndefined();
    // A forged signature fails every time, however often it is presented.
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64, 1).toString('base64url')}`;
    for (let i = 0; i < 3; i++) expect(verifyOwnEdDsaJwt(forged, publicKey, ISSUER, NOW)).toBeUndefined();
    expect(verifyOwnEdDsaJwt(token, publicKey, ISSUER, NOW)).toMatchObject({ jti: 'remembered' });
  });
});
