import type { Transporter } from 'nodemailer';
import type { Clock } from '../core/clock.js';
import type { Mailer } from '../core/kernel/mail.js';
import type { MailMessage } from '../core/kernel/model.js';
import type { KernelStore } from '../core/kernel/ports.js';
import type { Logger } from './log.js';

/**
 * SMTP through nodemailer (STARTTLS where the server offers it), loaded with the first message
 * (~15 MB resident once loaded; many installations send mail rarely).
 */
export function smtpMailer(url: string, from: string): Mailer {
  let transport: Promise<Transporter> | undefined;
  return {
    async send(message: MailMessage) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(url));
      await (await transport).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/**
 * Without SMTP settings mail is not lost: it lands in the mail_outbox table and the log says
 * that it did (the body, which may hold a sign-in link, only at debug level).
 */
export function outboxMailer(store: KernelStore, clock: Clock, logger: Logger): Mailer {
  return {
    async send(message: MailMessage) {
      await store.outbox.insert(message, clock.now());
      logger.info('mail queued in outbox (no SMTP configured)', { to: message.to, subject: message.subject });
      logger.debug('mail body', { to: message.to, text: message.text });
    },
  };
}
