import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { GatehouseError } from '../../core/errors.js';
import { IdTokenVerifier } from '../../core/faces/mgmt/id-token-verifier.js';

/** P-256 group order: an ECDSA signature (r, s) also verifies as (r, n − s). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

describe('upstream ID token verification', () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  let publicJwkText: string;
  const clock = new ManualClock(new Date('2026-12-02T10:00:00Z'));

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    publicJwkText = JSON.stringify(jwk);
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
      if (req.url === '/keys') return void res.end(JSON.stringify({ keys: [jwk] }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const verifier = () => new IdTokenVerifier(clock, { issuer, audience: 'client-1' });
  /** An ID token of the issuer, valid for 600 s from the test clock's now (by default its own key, ES256). */
  const sign = (claims: Record<string, unknown> = {}, key: { alg: string; kid: string; secret: CryptoKey | Uint8Array } = { alg: 'ES256', kid: 'k1', secret: privateKey }) =>
    new SignJWT({ sub: 'u1', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(issuer)
      .setAudience('client-1')
      .setIssuedAt(clock.now())
      .setExpirationTime(new Date(clock.now().getTime() + 600_000))
      .sign(key.secret);
  const refusal = async (token: string) => verifier().verify(token).then(() => 'accepted', (e: GatehouseError) => `${e.code}: ${e.logDetail}`);

  it('keys single use by issuer and jti, so the same jti is the same token', async () => {
    const a = await verifier().verify(await sign({ jti: 'j-1', nonce: 'a' }));
    const b = await verifier().verify(await sign({ jti: 'j-1', nonce: 'b' }));
    const c = await verifier().verify(await sign({ jti: 'j-2' }));
    expect(a.useKey).toBe(b.useKey);
    expect(c.useKey).not.toBe(a.useKey);
    expect(a.usableUntil.getTime()).toBe(clock.now().getTime() + 660_000);
  });

  it('keys a token without jti by its signed part: a re-encoded ECDSA signature (s → n − s) is the same token', async () => {
    const token = await sign();
    const [header, payload, signature] = token.split('.');
    const bytes = Buffer.from(signature!, 'base64url');
    const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
    const flipped = Buffer.concat([bytes.subarray(0, 32), Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')]);
    const twin = `${header}.${payload}.${flipped.toString('base64url')}`;
    expect(twin).not.toBe(token);
    expect((await verifier().verify(twin)).useKey).toBe((await verifier().verify(token)).useKey);
  });

  it('refuses a token MACed with the public key (algorithm confusion) and one from an unknown key', async () => {
    const hs256 = await sign({}, { alg: 'HS256', kid: 'k1', secret: new TextEncoder().encode(publicJwkText) });
    expect(await refusal(hs256)).toBe('invalid_token: verification failed: ERR_JOSE_ALG_NOT_ALLOWED');
    const stranger = await sign({}, { alg: 'ES256', kid: 'k2', secret: (await generateKeyPair('ES256')).privateKey });
    expect(await refusal(stranger)).toBe('invalid_token: verification failed: ERR_JWKS_NO_MATCHING_KEY');
  });

  it('allows 60 s of skew on exp and iat, not more', async () => {
    const token = await sign();
    clock.advance(600 + 59);
    expect(await refusal(token)).toBe('accepted');
    clock.advance(2);
    expect(await refusal(token)).toBe('invalid_token: verification failed: ERR_JWT_EXPIRED');
    clock.set(new Date('2026-12-02T10:00:00Z'));
    const early = await sign();
    clock.advance(-59);
    expect(await refusal(early)).toBe('accepted');
    clock.advance(-2);
    expect(await refusal(early)).toBe('invalid_token: iat in the future');
    clock.set(new Date('2026-12-02T10:00:00Z'));
  });

  it('answers upstream_unavailable when the discovery document names another issuer', async () => {
    const confused = new IdTokenVerifier(clock, { issuer: `${issuer}/`, audience: 'client-1' });
    await expect(confused.verify(await sign())).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });
});
