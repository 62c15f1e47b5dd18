import { join } from 'node:path';
import type { FromWorker, LoadJob, LoadSummary } from './load-types.js';
import { forkScript, type Child } from './processes.js';

/** The bench's side of a load generator process (load-worker.ts). */
export class LoadGenerator {
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (s: LoadSummary) => void; reject: (e: Error) => void }>();

  private constructor(readonly child: Child) {
    child.proc.on('message', (message: FromWorker) => {
      const waiter = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.type === 'done') waiter?.resolve(message.summary);
      else waiter?.reject(new Error(`load generator: ${message.message}`));
    });
    void child.exited.then(() => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(child.gone));
      this.#waiting.clear();
    });
  }

  static start(name: string, root: string): LoadGenerator {
    return new LoadGenerator(forkScript(name, join(root, 'scripts/bench/load-worker.ts'), process.env, root));
  }

  /** Runs a job to its end. */
  run(job: LoadJob): Promise<LoadSummary> {
    return this.start(job).done;
  }

  /** Starts a job; `stop()` ends it early and resolves with what it measured. */
  start(job: LoadJob): { done: Promise<LoadSummary>; stop(): Promise<LoadSummary> } {
    const id = this.#next++;
    const done = new Promise<LoadSummary>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    this.child.proc.send({ type: 'run', id, job });
    return {
      done,
      stop: () => {
        this.child.proc.send({ type: 'stop', id });
        return done;
      },
    };
  }
}
