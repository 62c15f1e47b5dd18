/** The simple-auth face's settings slice (simple-auth's own `config.yaml` sections). */
export interface SimpleAuthSettings {
  publicUrl: string;
  sessionCookie: string;
  /** the session cookie's lifetime: the session's absolute expiry */
  sessionAbsoluteSeconds: number;
  landingPage: string;
  allowedContinueUrls: readonly RegExp[];
  createEnabled: boolean;
  /** username-existence checks per minute per client address (0: no limit) */
  usernameChecksPerMinute: number;
  twoFactorEnabled: boolean;
  onetime: { enabled: boolean; allowForgotPassword: boolean };
  sharedKey: { enabled: boolean; secret: string | undefined };
  simple: { enabled: boolean; sharedSecret: string | undefined };
  vouch: { enabled: boolean; userHeader: string };
  cookies: { secure: 'auto' | 'true' | 'false'; domain: string };
}
