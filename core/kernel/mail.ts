import type { Clock } from '../clock.js';
import type { MailMessage } from './model.js';
import type { MailOutboxRepository, OutboxMessage } from './ports.js';

/** Sends mail. Implementations: SMTP (nodemailer) or the outbox + log when SMTP is not set up. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Mail is a side effect: it goes out after the transaction that caused it commits, and a failing
 * SMTP server never fails the request that triggered it (the log says why).
 */
export class MailQueue {
  constructor(
    private readonly mailer: Mailer,
    private readonly onError: (error: unknown, message: MailMessage) => void,
  ) {}

  /** Fire-and-forget; `sent` resolves when the attempt finished (tests await it). */
  dispatch(messages: readonly MailMessage[]): Promise<void> {
    const sent = Promise.all(
      messages.map((m) =>
        this.mailer.send(m).catch((error: unknown) => {
          this.onError(error, m);
        }),
      ),
    ).then(() => undefined);
    return sent;
  }
}

/**
 * The outbox an install without SMTP keeps its mail in (server/mail.ts), read by operators through
 * the admin face: unexpired messages only, as the outbox deletes a message when its secret expires.
 */
export class MailOutbox {
  constructor(
    private readonly repo: MailOutboxRepository,
    private readonly clock: Clock,
  ) {}

  list(to: string | undefined, offset: number, limit: number): Promise<{ total: number; items: OutboxMessage[] }> {
    return this.repo.list(to, this.clock.now(), offset, limit);
  }
}
