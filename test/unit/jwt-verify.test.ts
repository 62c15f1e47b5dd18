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
});
