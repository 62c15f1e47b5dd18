/**
 * What a request presented in its `Authorization` header, decoded once by the server (RFC 7617,
 * RFC 6750 §2.1) before any face looks at it. The core never parses headers.
 */
export interface PresentedCredentials {
  /** `Basic`: user-id and password as UTF-8 text; `malformed` when the scheme is Basic but the value is not */
  basic?: BasicCredentials | 'malformed';
  /** `Bearer`: the token */
  bearer?: string;
}

export interface BasicCredentials {
  user: string;
  password: string;
}
