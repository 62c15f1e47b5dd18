import type { Express, RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Config } from '../../core/config.js';
import type { FaceDeps } from '../../core/kernel/face.js';
import type { Kernel } from '../../core/kernel/index.js';
import type { FaceName } from '../../generated/faces.gen.js';
import type { CookiePolicy } from '../cookies.js';
import type { FaceErrorRenderer } from '../errors/types.js';
import type { Lifecycle } from '../../core/faces/ops/index.js';
import type { Authenticator, RouteInfo } from '../security/types.js';

/**
 * One face, as the server mounts it: its contract's route table and handlers, its own store, its
 * settings slice, its rules built on the kernel, its authenticator and its error renderer. A new
 * face is a contract, its rules in core/faces/<face>, its handlers, and one of these in the list
 * of server/faces/index.ts.
 */
export interface FaceModule<Rules = unknown, Store extends object = object, Settings = unknown> {
  face: FaceName;
  routes: Readonly<Record<string, RouteInfo>>;
  handlers: object;
  /** the face's own repositories over an executor (none: the face has no tables of its own) */
  store?: (db: Knex) => Store;
  settings: (config: Config, host: HostState) => Settings;
  rules: (deps: FaceDeps<Store, Settings>) => Rules;
  authenticate: Authenticator<Rules>;
  /**
   * run the security check before contract validation (401/403 before 400), as a face whose
   * protected operations must not reveal their request rules to strangers requires
   */
  authenticateFirst?: boolean;
  renderError: FaceErrorRenderer;
  /** pages and middleware the face serves outside its contract, mounted before the validator */
  mount?: (app: Express, mounted: { rules: Rules; kernel: Kernel; cookiePolicy: CookiePolicy }) => void;
  /**
   * A step in front of every request under the face's base path (mounted there before the
   * validator). The lean lane runs it too, so an operation answers the same through either.
   */
  operationPrelude?: (mounted: { rules: Rules; kernel: Kernel; cookiePolicy: CookiePolicy }) => RequestHandler;
}

/** What the running process knows about itself that a face may read (its settings slice). */
export interface HostState {
  /** draining on SIGTERM */
  serving: Lifecycle;
}

/** A face module with its types erased, so faces of different shapes share one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFaceModule = FaceModule<any, any, any>;

/** Checks a module against its own rules, store and settings types, then erases them for the list. */
export function defineFace<Rules, Store extends object, Settings>(module: FaceModule<Rules, Store, Settings>): AnyFaceModule {
  return module;
}
