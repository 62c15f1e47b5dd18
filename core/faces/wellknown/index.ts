import type { FaceDeps } from '../../kernel/face.js';
import type { Kernel } from '../../kernel/index.js';

export interface WellKnownSettings {
  publicUrl: string;
  /** the password grant is on globally (clients may also turn it on one by one) */
  passwordGrant: boolean;
}

export interface WellKnownRules {
  settings: WellKnownSettings;
  /** the authorization server the discovery documents describe */
  oauth2: Kernel['oauth2'];
}

/** Discovery documents: what the authorization server offers, and its keys (OIDC Discovery, RFC 8414, RFC 7517). */
export function createWellKnownRules({ kernel, settings }: FaceDeps<object, WellKnownSettings>): WellKnownRules {
  return { settings, oauth2: kernel.oauth2 };
}
