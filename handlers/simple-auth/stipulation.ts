import { GatehouseError } from '../../core/errors.js';
import type { SimpleAuthHandlers } from '../../generated/simple-auth/handlers.gen.js';
import type { HandlerContext } from '../context.js';
import { OK } from './common.js';

type H = SimpleAuthHandlers<HandlerContext>;

export const stipulationHandlers = {
  async satisfyStipulation({ body, ctx }) {
    const { services } = ctx;
    let account = body.account ? await services.accounts.byUuid(body.account.toLowerCase()) : undefined;
    if (!body.account) {
      // "If blank, from session" (the document): the browser's own session names the account.
      const cookie = ctx.cookies[services.config.cookies.sessionName];
      account = cookie ? (await services.sessions.resolve(cookie, 'simple-auth'))?.account : undefined;
    }
    // An unknown account answers like a wrong token: the endpoint does not reveal account ids.
    if (!account) throw new GatehouseError('no_stipulation_satisfied', { logDetail: 'unknown account' });
    await services.accounts.satisfyStipulation(account, body.token, ctx.meta);
    return { status: 200, body: OK };
  },
} satisfies Pick<H, 'satisfyStipulation'>;
