import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** The request and response classes the listener creates its objects with. */
export interface ExpressMessages {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

/**
 * Request and response classes whose instances are Express's request and response from birth.
 *
 * Express gives node's objects its methods by changing the prototype of every request and
 * response (`Object.setPrototypeOf` in `app.handle`). V8 answers a prototype change by dropping
 * the object's fast property access for the rest of its life: on a bare node:http server that
 * change alone takes 42000 answers a second down to 13000, and it is most of what Express costs.
 * Here the prototypes Express assigns (`app.request`, `app.response`, which Express documents as
 * the app's extension points) become these classes' prototypes, keeping Express's methods and
 * `app` beneath them; a listener created with the classes (node's `IncomingMessage` and
 * `ServerResponse` server options) hands out objects that already have that prototype, so the
 * assignment in `app.handle` changes nothing and the lean lane assigns nothing at all.
 * Objects of any other server (a test's supertest) still get it assigned, as before.
 */
export function expressMessages(app: Express): ExpressMessages {
  class ExpressRequest extends IncomingMessage {}
  class ExpressResponse extends ServerResponse {}
  adopt(app, ExpressRequest.prototype, 'request');
  adopt(app, ExpressResponse.prototype, 'response');
  // (node's typing declares ServerResponse generic in its request type; this one is not)
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse as typeof ServerResponse };
}

/** `app[which]` becomes `prototype`, with what the old one inherited and defined (`app`). */
function adopt(app: Express, prototype: object, which: 'request' | 'response'): void {
  const original = app[which] as object;
  // Once, at start-up: a class prototype changes, never a request's.
  Object.setPrototypeOf(prototype, Object.getPrototypeOf(original));
  Object.defineProperties(prototype, Object.getOwnPropertyDescriptors(original));
  (app as unknown as Record<string, object>)[which] = prototype;
}
