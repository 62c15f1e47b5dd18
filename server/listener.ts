import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError, type Config } from '../core/config.js';
import type { ExpressMessages } from './express-messages.js';

/**
 * Plain HTTP behind a proxy (the usual deployment), or HTTPS when Gatehouse terminates TLS itself.
 * Then it asks every client for a certificate without requiring one (`requestCert`, no
 * `rejectUnauthorized`): browsers and token callers connect as before, and an API certificate
 * presented in the handshake logs in on the credentials face. The chain is not checked here: the
 * kernel accepts only a certificate whose exact DER it issued and still holds live.
 */
export function createListener(config: Config['server'], handler: RequestListener, messages: ExpressMessages): { server: Server; scheme: 'http' | 'https' } {
  const { tlsCertFile, tlsKeyFile } = config;
  if (!tlsCertFile && !tlsKeyFile) return { server: createServer({ ...messages }, handler), scheme: 'http' };
  if (!tlsCertFile || !tlsKeyFile) throw new ConfigError(['GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY: set both, or neither']);
  const read = (path: string, name: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError([`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  };
  const server = createHttpsServer({ ...messages, cert: read(tlsCertFile, 'GATEHOUSE_TLS_CERT'), key: read(tlsKeyFile, 'GATEHOUSE_TLS_KEY'), requestCert: true, rejectUnauthorized: false }, handler);
  return { server: server as unknown as Server, scheme: 'https' };
}
