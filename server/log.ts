import { pino, type Logger as PinoLogger } from 'pino';

/**
 * Structured log lines, one JSON object per line on stderr, written by pino (the reply never
 * carries what goes here). pino rather than hand-rolled JSON: it serialises lines without blocking
 * on the formatting of fields that are never written, gives per-request child loggers cheaply, and
 * redacts by path (fast-redact) so a secret-bearing header cannot slip into a line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The pino logger behind each Logger made here, for the access log's per-request children. */
const PINO = new WeakMap<Logger, PinoLogger>();

/**
 * Credentials a request or reply carries in headers (RFC 9110 §11.6.2 Authorization, RFC 6265
 * cookies, API keys, the double-submit CSRF token): replaced wherever a line holds them.
 */
const REDACTED_PATHS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-csrf-token', 'proxy-authorization'].flatMap((name) => [
  `reqHeaders["${name}"]`,
  `resHeaders["${name}"]`,
]);

export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ dest: 2, sync: true });
  const root = pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: serialise },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    destination,
  );
  return wrap(root);
}

/** The Logger interface over a pino logger (a root or a per-request child). */
export function wrap(instance: PinoLogger): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (fields) instance[at](fields, message);
    else instance[at](message);
  };
  const logger: Logger = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  PINO.set(logger, instance);
  return logger;
}

/** The pino logger behind a Logger from createLogger; undefined for any other implementation. */
export function pinoOf(logger: Logger): PinoLogger | undefined {
  return PINO.get(logger);
}

function serialise(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value instanceof Error) (out ??= { ...fields })[key] = describeError(value);
  }
  return out ?? fields;
}

function describeError(error: Error): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) described.code = code;
  if (error.cause instanceof Error) described.cause = describeError(error.cause);
  return described;
}
