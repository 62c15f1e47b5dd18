import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/**
 * The client certificate a request came with, as DER, when its holder proved the private key in a
 * TLS handshake: on Gatehouse's own HTTPS listener (the handshake is ours), or forwarded in
 * `header` by a TLS-terminating proxy that verified it — believed only from an address the
 * operator trusts (GATEHOUSE_TRUST_PROXY), since anyone else could write the header. Which
 * certificate it is, and whether it is one of ours and still live, the kernel decides.
 */
export function clientCertificateOf(req: Request, header: string): Uint8Array | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.encrypted && typeof socket.getPeerCertificate === 'function') {
    const peer = socket.getPeerCertificate(false);
    if (peer && peer.raw?.length) return new Uint8Array(peer.raw);
  }
  if (!header) return undefined;
  const forwarded = req.get(header);
  if (!forwarded) return undefined;
  const trusted = req.app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined;
  if (!trusted?.(req.socket.remoteAddress ?? '', 0)) return undefined;
  try {
    // nginx `$ssl_client_escaped_cert` is the PEM, URL-encoded; Caddy's
    // `{http.request.tls.client.certificate_der_base64}` is the DER in base64.
    const decoded = decodeURIComponent(forwarded);
    const certificate = decoded.startsWith('-----BEGIN') ? new X509Certificate(decoded) : new X509Certificate(Buffer.from(decoded, 'base64'));
    return new Uint8Array(certificate.raw);
  } catch {
    return undefined;
  }
}
