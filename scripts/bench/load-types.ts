/** What the bench asks of a load generator process, and what it answers (plain JSON over IPC). */
export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** each connection sends these in turn, over and over */
  requests: HttpRequest[];
  connections: number;
  /** seconds of load before counting starts */
  warmup: number;
  /** seconds counted */
  seconds: number;
}

/** Figures of the counted part of a job; statuses and errors of all of it. */
export interface LoadSummary {
  requests: number;
  seconds: number;
  rps: number;
  /** latency percentiles, ms */
  p50: number;
  p99: number;
  non2xx: number;
  /** connection errors, timeouts included */
  errors: number;
  statusCodes: Record<string, number>;
}

export type ToWorker = { type: 'run'; id: number; job: LoadJob } | { type: 'stop'; id: number };
export type FromWorker = { type: 'done'; id: number; summary: LoadSummary } | { type: 'failed'; id: number; message: string };
