import type { Kernel } from './index.js';
import type { TxHandle } from './ports.js';

/**
 * What a face's rules are built from: the kernel's interface, the face's own store (for its own
 * tables) and its settings slice. Nothing else: a face cannot reach the kernel's tables or another
 * face's rules.
 */
export interface FaceDeps<Store, Settings> {
  kernel: Kernel;
  store: Store;
  /** the face's store inside a unit of work the kernel started (`kernel.transaction`) */
  within(tx: TxHandle): Store;
  settings: Settings;
}
