import { describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../../core/config.js';
import { rolesForGroups } from '../../core/faces/mgmt/roles.js';

describe('Okta settings', () => {
  it('are off by default, and read JSON role maps from the environment', () => {
    expect(buildConfig({}).mgmt.okta).toMatchObject({ enabled: false, mapRoles: {}, requestsPerMinute: 60 });
    const config = buildConfig({ GATEHOUSE_OKTA_ENABLED: 'true', GATEHOUSE_OKTA_ISSUER: 'https://acme.okta.com/oauth2/default', GATEHOUSE_OKTA_CLIENT_ID: '0oa1', GATEHOUSE_OKTA_MAP_ROLES: '{"admin":"croit-admins"}' });
    expect(config.mgmt.okta).toMatchObject({ enabled: true, issuer: 'https://acme.okta.com/oauth2/default', clientId: '0oa1', audience: '', mapRoles: { admin: 'croit-admins' } });
  });

  it('refuse to start, listing every problem, when switched on without issuer and client, over plain http, or with a bad role map', () => {
    const problems = (env: Record<string, string>, file: Record<string, unknown> = {}) => {
      try {
        buildConfig(env, file);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ GATEHOUSE_OKTA_ENABLED: 'true' })).toEqual([
      'mgmt.okta.issuer (GATEHOUSE_OKTA_ISSUER) is required when mgmt.okta.enabled',
      'mgmt.okta.clientId (GATEHOUSE_OKTA_CLIENT_ID) is required when mgmt.okta.enabled',
    ]);
    expect(problems({}, { mgmt: { okta: { enabled: true, issuer: 'http://okta.example.com', clientId: 'x', baseUrl: 'http://okta.example.com' } } })).toEqual([
      'mgmt.okta.issuer: must be an https URL (http only on loopback)',
      'mgmt.okta.baseUrl: must be an https URL (http only on loopback)',
    ]);
    expect(problems({}, { mgmt: { okta: { enabled: true, issuer: 'http://127.0.0.1:9000', clientId: 'x' } } })).toEqual([]);
    for (const mapRoles of ['[]', '{"admin": 1}', '{"two words": "g"}', '{"admin": " "}']) {
      expect(problems({ GATEHOUSE_OKTA_MAP_ROLES: mapRoles })).toEqual(['mgmt.okta.mapRoles: expected a map of role name (letters, digits, . _ : -) to Okta group name']);
    }
  });
});

describe('Okta group → role mapping', () => {
  const map = { admin: 'croit-admins', viewer: 'croit-viewers' };

  it('grants role R when the groups claim holds mapRoles[R], and nothing for a claim that is not a list of strings', () => {
    expect(rolesForGroups(map, ['croit-viewers', 'croit-admins', 'payroll'])).toEqual(['admin', 'viewer']);
    expect(rolesForGroups(map, ['payroll'])).toEqual([]);
    expect(rolesForGroups(map, 'croit-admins')).toEqual([]);
    expect(rolesForGroups(map, [{ name: 'croit-admins' }])).toEqual([]);
    expect(rolesForGroups(map, undefined)).toEqual([]);
  });
});
