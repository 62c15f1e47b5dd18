import { request } from 'node:https';
import { assertConformsToContract } from './contract.js';

export interface ClientCertificate {
  pfx: Buffer;
  passphrase: string;
}

/**
 * A GET over TLS trusting `ca`, optionally presenting a client certificate (a P12), with the
 * answer checked against the contract of `operationId` (fetch cannot present client certificates).
 * `servername` is the TLS SNI name and Host to send (no SNI is sent for an IP address).
 */
export function tlsGet(url: string, operationId: string, ca: Buffer, client?: ClientCertificate, servername?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, ...(client ?? {}), ...(servername ? { servername, headers: { host: `${servername}:${new URL(url).port}` } } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          assertConformsToContract(operationId, new Response(null, { status: res.statusCode!, headers: { 'content-type': String(res.headers['content-type']) } }), body);
          resolve({ status: res.statusCode!, body });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}
