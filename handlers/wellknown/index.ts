import type { WellKnownHandlers } from '../../generated/wellknown/handlers.gen.js';
import { discoveryHandlers, type Ctx } from './discovery.js';

/** Every wellknown operation's handler; the compiler checks the set against the contract. */
export const wellKnownHandlers = {
  ...discoveryHandlers,
} satisfies WellKnownHandlers<Ctx>;
