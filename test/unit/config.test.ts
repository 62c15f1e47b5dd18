import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../../core/config.js';

describe('configuration', () => {
  it('has working defaults: embedded SQLite, no SharedKey, TOTP allowed', () => {
    const config = buildConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.database.sqlitePath).toBe('data/gatehouse.sqlite');
    expect(config.server.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.sharedKey.enabled).toBe(false);
    expect(config.twoFactor.enabled).toBe(true);
    expect(config.cookies.sessionName).toBe('auth');
  });

  it('lets environment variables override the file', () => {
    const config = buildConfig({ PORT: '9000', GATEHOUSE_TOTP_ISSUER: 'Env' }, { server: { port: 7000 }, twoFactor: { issuer: 'File', drift: 2 } });
    expect(config.server.port).toBe(9000);
    expect(config.twoFactor).toMatchObject({ issuer: 'Env', drift: 2 });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      buildConfig(
        { PORT: 'eighty', GATEHOUSE_SHARED_KEY_ENABLED: 'yes', DATABASE_URL: 'postgres://x', GATEHOUSE_ALLOWED_CONTINUE_URLS: 'https://(' },
        { sessions: { idleSeconds: 7200, absoluteSeconds: 3600 }, nonsense: { key: 1 } },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const expected of [
      'nonsense.key (file): unknown setting',
      'server.port (PORT): expected an integer',
      'login.allowedContinueUrls: invalid regular expression',
      'sessions.absoluteSeconds must be at least sessions.idleSeconds',
      'sharedKey.secret must be at least 16 characters',
      'database.url: only mysql:// URLs are supported',
      'security.masterKey (GATEHOUSE_MASTER_KEY) is required with DATABASE_URL',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it('anchors continue-URL patterns so a prefix match cannot smuggle another host', () => {
    const config = buildConfig({ GATEHOUSE_ALLOWED_CONTINUE_URLS: 'https://app\\.example\\.com/.*' });
    const [pattern] = config.login.allowedContinueUrls;
    expect(pattern!.test('https://app.example.com/x')).toBe(true);
    expect(pattern!.test('https://evil.example.net/?https://app.example.com/x')).toBe(false);
  });
});
