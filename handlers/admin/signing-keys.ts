import type { SigningKey } from '../../generated/admin/types.gen.js';
import { NO_STORE, operator, type H } from './common.js';

/** Signing keys (tag signing-keys): public parts only. */
export const signingKeyHandlers = {
  async adminListSigningKeys({ ctx }) {
    return { status: 200, headers: NO_STORE, body: { items: (await ctx.rules.service.signingKeys(operator(ctx))) as SigningKey[] } };
  },

  async adminRotateSigningKeys({ ctx }) {
    return { status: 200, headers: NO_STORE, body: { items: (await ctx.rules.service.rotateSigningKeys(operator(ctx))) as SigningKey[] } };
  },
} satisfies Partial<H>;
