import { adminFace } from './admin/index.js';
import { credentialsFace } from './credentials/index.js';
import { mgmtFace } from './mgmt/index.js';
import type { AnyFaceModule } from './module.js';
import { opsFace } from './ops/index.js';
import { platformFace } from './platform/index.js';
import { portalFace } from './portal/index.js';
import { scimFace } from './scim/index.js';
import { simpleAuthFace } from './simple-auth/index.js';
import { wellKnownFace } from './wellknown/index.js';

/**
 * The faces this build serves: the one list a new face is added to. Order matters only for pages
 * and middleware a face mounts outside its contract.
 */
export const FACES: readonly AnyFaceModule[] = [platformFace, mgmtFace, credentialsFace, portalFace, scimFace, adminFace, simpleAuthFace, wellKnownFace, opsFace];
