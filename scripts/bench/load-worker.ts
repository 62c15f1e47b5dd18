/**
 * The load generator: autocannon in a process of its own, so it shares an event loop with
 * neither the servers under test nor the bench that reads their memory. Runs a job as told over
 * IPC; `stop` ends an open-ended job (the login storm) early.
 *
 * Warm-up and measurement are one continuous run: only answers after the warm-up are counted.
 * Two separate runs would close the connections in between and leave the warm-up's requests
 * still queued in the server (a login is seconds of hashing under load), and the measurement
 * would pay for them.
 */
import autocannon from 'autocannon';
import type { FromWorker, LoadJob, LoadSummary, ToWorker } from './load-types.js';

const running = new Map<number, autocannon.Instance>();
const send = (message: FromWorker) => process.send?.(message);

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);

function run(id: number, job: LoadJob): void {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let measureFrom = Infinity;
  const instance = autocannon(
    {
      url: job.origin,
      requests: job.requests,
      connections: job.connections,
      duration: job.warmup + job.seconds,
      // A login under a storm can take seconds on two cores: slow is a measurement, not an error.
      timeout: 60,
    },
    (error, result) => {
      running.delete(id);
      if (error) return send({ type: 'failed', id, message: String(error) });
      const seconds = Math.max(0, (performance.now() - measureFrom) / 1000);
      latencies.sort((a, b) => a - b);
      const summary: LoadSummary = {
        requests: latencies.length,
        seconds,
        rps: seconds > 0 ? latencies.length / seconds : 0,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        non2xx,
        errors: result.errors,
        statusCodes,
      };
      send({ type: 'done', id, summary });
    },
  );
  instance.on('start', () => (measureFrom = performance.now() + job.warmup * 1000));
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    if (status < 200 || status > 299) non2xx++;
    if (performance.now() >= measureFrom) latencies.push(responseTime);
  });
  running.set(id, instance);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') run(message.id, message.job);
  else running.get(message.id)?.stop();
});
process.once('disconnect', () => process.exit(0));
