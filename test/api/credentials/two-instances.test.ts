import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cred from '../../../generated/credentials/sdk.gen.js';
import forge from 'node-forge';
import { startGatehouse, type TestGatehouse } from '../../support/gatehouse.js';
import { as, credentialsCaller, createCredentialsUsers, openP12 } from '../../support/credentials.js';
import { startPeer } from '../../support/peer.js';
import { must } from '../../support/simple-auth.js';

/**
 * Two instances on one MariaDB database: a token issued by one works on the other, a revocation
 * through either holds on both at once, and both sign certificates with the one CA in the database.
 */
describe('credentials face on two instances sharing one MariaDB database', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;

  beforeAll(async () => {
    a = await startGatehouse('mysql');
    b = await startPeer(a);
    await createCredentialsUsers(a);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('honours on B a token issued on A, until it is revoked on B', async () => {
    const token = must(await cred.createApiCredential({ client: await as(a, 'dana'), path: { namespace: 'system' }, body: { name: 'shared', spec: { type: 'API_TOKEN' } } })).data!.data;
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(b, { apiToken: token }), path: { namespace: 'system' } })).response.status).toBe(200);
    expect(must(await cred.revokeApiCredential({ client: await as(b, 'dana'), path: { namespace: 'system' }, body: { name: 'shared', namespace: 'system' } })).data).toEqual({ status: true });
    expect(must(await cred.listApiCredentials({ client: credentialsCaller(a, { apiToken: token }), path: { namespace: 'system' } })).response.status).toBe(401);
  });

  it('signs certificates on both instances with the same CA', async () => {
    const fromA = must(await cred.createApiCredential({ client: await as(a, 'dana'), path: { namespace: 'system' }, body: { name: 'cert-a', spec: { type: 'API_CERTIFICATE', password: 'secret-a' } } })).data!.data;
    const fromB = must(await cred.createApiCredential({ client: await as(b, 'dana'), path: { namespace: 'system' }, body: { name: 'cert-b', spec: { type: 'API_CERTIFICATE', password: 'secret-b' } } })).data!.data;
    const issuer = (data: string, password: string) => openP12(data, password).certs.filter((c: forge.pki.Certificate) => c.subject.getField('CN')?.value === 'dana@example.com')[0]!.issuer.hash;
    expect(issuer(fromA, 'secret-a')).toBe(issuer(fromB, 'secret-b'));
    expect(Number((await a.runtime.db('credential_ca').count({ n: '*' }))[0]!.n)).toBe(1);
  });
});
