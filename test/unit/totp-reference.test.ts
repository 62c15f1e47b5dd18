import { describe, expect, it } from 'vitest';
import { hotp, totpAt } from '../support/totp-reference.js';

// The reference implementation the API tests trust must itself match the RFCs' published vectors.
describe('independent TOTP reference implementation', () => {
  const rfcSecret = Buffer.from('12345678901234567890', 'ascii');

  it('matches RFC 4226 Appendix D HOTP values', () => {
    expect([0, 1, 2, 3, 9].map((c) => hotp(rfcSecret, c))).toEqual(['755224', '287082', '359152', '969429', '520489']);
  });

  it('matches RFC 6238 Appendix B SHA-1 values (8 digits)', () => {
    // base32 of "12345678901234567890"
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(totpAt(secret, new Date(59_000), 8)).toBe('94287082');
    expect(totpAt(secret, new Date(1_111_111_109_000), 8)).toBe('07081804');
    expect(totpAt(secret, new Date(2_000_000_000_000), 8)).toBe('69279037');
  });
});
