/**
 * What a request presented in its `Authorization` header, decoded once by the server (RFC 7617,
 * RFC 6750 §2.1) before any face looks at it. The core never parses headers.
 */
export interface PresentedCredentials {
  /** `Basic`: user-id and password as UTF-8 text; `malformed` when the scheme is Basic but the value is not */
  basic?: BasicCredentials | 'malformed';
  /** `Bearer`: the token */
  bearer?: string;
  /**
   * The client certificate (DER) the TLS handshake proved possession of: on Gatehouse's own
   * HTTPS listener, or as a trusted TLS-terminating proxy forwarded it.
   */
  clientCertificate?: Uint8Array;
}

export interface BasicCredentials {
  user: string;
  password: string;
}
