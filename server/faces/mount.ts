import type { Knex } from 'knex';
import type { Config } from '../../core/config.js';
import type { Kernel } from '../../core/kernel/index.js';
import { faceStore } from '../../db/store.js';
import type { AnyFaceModule, HostState } from './module.js';

/** A face with its rules built: what the binder mounts. */
export interface MountedFace {
  module: AnyFaceModule;
  rules: unknown;
}

/** Builds each face's rules from the kernel, its own store over the database, and its settings slice. */
export function buildFaces(modules: readonly AnyFaceModule[], deps: { kernel: Kernel; db: Knex; config: Config; host?: HostState }): MountedFace[] {
  const host = deps.host ?? { serving: { draining: false } };
  return modules.map((module) => {
    const { store, within } = faceStore(deps.db, module.store ?? (() => ({})));
    return { module, rules: module.rules({ kernel: deps.kernel, store, within, settings: module.settings(deps.config, host) }) };
  });
}
