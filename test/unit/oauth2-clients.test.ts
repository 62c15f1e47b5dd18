import type { GuessBudget } from '../../core/kernel/guess-budget.js';
import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../../core/config.js';
import { ClientRegistry } from '../../core/kernel/oauth2/clients.js';
import type { OAuth2ClientRepository } from '../../core/kernel/ports.js';
import { authenticateClient, clientFromBasic } from '../../core/kernel/oauth2/client-auth.js';
import { decodeBasic, presentedCredentials } from '../../server/http-basic.js';
import { secretHash } from '../support/oauth2.js';

const settings = (clients: Record<string, unknown>) => buildConfig({}, { authenticators: { oauth2: { clients } } }).authenticators.oauth2;

/** No clients registered through the admin face. */
const noStoredClients = () => ({ find: async () => undefined }) as unknown as OAuth2ClientRepository;

describe('OAuth2 client registry', () => {
  it('reports every problem of every client at once', () => {
    let error: unknown;
    try {
      new ClientRegistry(
        settings({
          good: { name: 'Good', redirectUris: ['https://good.example.com/cb'], scopes: ['email'], secretHash: secretHash('s') },
          'bad id!': { name: 'x', redirectUris: ['https://x.example.com/cb'], public: true },
          nosecret: { name: 'No secret', redirectUris: ['relative/path', 'https://a.example.com/cb#frag'] },
          both: { name: 'Both', redirectUris: ['https://b.example.com/cb'], public: true, secretHash: 'sha256:abc', tokenExpiresSeconds: 5, colour: 'red' },
        }),
        noStoredClients,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'authenticators.oauth2.clients.bad id!: client_id may only hold letters, digits and . _ ~ - (at most 191)',
      'authenticators.oauth2.clients.nosecret.redirectUris: not an absolute URI without fragment: "relative/path"',
      'authenticators.oauth2.clients.nosecret.redirectUris: not an absolute URI without fragment: "https://a.example.com/cb#frag"',
      'authenticators.oauth2.clients.nosecret.secretHash: required for confidential clients (or set public: true)',
      'authenticators.oauth2.clients.both.colour: unknown setting',
      'authenticators.oauth2.clients.both: a public client has no secret (remove secretHash or public)',
      'authenticators.oauth2.clients.both.secretHash: expected sha256:<64 lower-case hex digits>',
      'authenticators.oauth2.clients.both.tokenExpiresSeconds: outside 30..86400',
    ]);
  });

  it('applies per-client overrides over the oauth2 settings and checks secrets by hash', async () => {
    const registry = new ClientRegistry(settings({ cli: { name: 'CLI', redirectUris: ['http://127.0.0.1/cb'], secretHash: secretHash('top-secret'), allowCredentials: true, tokenExpiresSeconds: 60 } }), noStoredClients);
    const cli = (await registry.find('cli'))!;
    expect(cli.settings).toMatchObject({ allowCredentials: true, tokenExpiresSeconds: 60, codeExpiresSeconds: 60, allowAutoGrant: true });
    expect(ClientRegistry.secretMatches(cli, 'top-secret')).toBe(true);
    expect(ClientRegistry.secretMatches(cli, 'top-secreT')).toBe(false);
    const guard = { allowPublic: false, guesses: unlimitedGuesses(), ip: null };
    expect((await authenticateClient(registry, { basic: { user: 'cli', password: 'top-secret' } }, guard)).id).toBe('cli');
    await expect(authenticateClient(registry, { basic: 'malformed' }, guard)).rejects.toThrow(expect.objectContaining({ code: 'invalid_client', challenge: 'Basic realm="gatehouse"' }));
    await expect(authenticateClient(registry, { clientId: 'cli', clientSecret: 'nope' }, guard)).rejects.toThrow(expect.objectContaining({ code: 'invalid_client' }));
  });

  it('decodes Basic credentials form-encoded per RFC 6749 §2.3.1', () => {
    expect(clientFromBasic(decodeBasic(`Basic ${Buffer.from('my%3Aclient:p%40ss+word').toString('base64')}`)!)).toEqual({ id: 'my:client', secret: 'p@ss word' });
    expect(clientFromBasic({ user: 'bad%', password: 'x' })).toBeUndefined();
    expect(presentedCredentials('Basic !!!')).toEqual({ basic: 'malformed' });
    expect(presentedCredentials('Bearer abc')).toEqual({ bearer: 'abc' });
  });
});

/** A budget that never refuses (the registry's checks are what these tests look at). */
function unlimitedGuesses(): GuessBudget {
  return { checkOrThrow: async (_subject: unknown, _ip: unknown, check: () => boolean) => check() } as unknown as GuessBudget;
}
