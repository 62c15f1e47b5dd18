import { describe, expect, it } from 'vitest';
import { resolveContinueUrl } from '../../core/kernel/continue-url.js';

/** An operator's loose allow-list: any path here, and anything that starts like the app's origin. */
const LOOSE = [/^\/[\s\S]*$/, /^https:\/\/app\.example\.com[\s\S]*$/];

describe('continue URLs under a loose allow-list', () => {
  it('follows paths and the allowed origin', () => {
    expect(resolveContinueUrl('/dashboard?tab=1', LOOSE, '/home')).toBe('/dashboard?tab=1');
    expect(resolveContinueUrl('https://app.example.com/a', LOOSE, '/home')).toBe('https://app.example.com/a');
    expect(resolveContinueUrl(undefined, LOOSE, '/home')).toBe('/home');
  });

  it.each([
    ['scheme-relative', '//evil.example/phish'],
    ['scheme-relative with path-looking prefix', '///evil.example'],
    ['backslash', '/\\evil.example'],
    ['backslash after the host', 'https://app.example.com\\@evil.example'],
    ['tab inside the slashes', '/\t/evil.example'],
    ['newline', '/\n/evil.example'],
    ['encoded slash', '/%2F%2Fevil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['scheme without authority', 'http:evil.example'],
    ['javascript', 'javascript:alert(1)//'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['user info before the host', 'https://app.example.com:443\\@evil.example'],
  ])('never follows %s (%j), though the pattern matches it', (_, target) => {
    expect(LOOSE.some((pattern) => pattern.test(target.trim())) || target.startsWith('javascript:') || target.startsWith('data:') || target.startsWith('http:')).toBe(true);
    expect(resolveContinueUrl(target, LOOSE, '/home')).toBe('/home');
  });
});
