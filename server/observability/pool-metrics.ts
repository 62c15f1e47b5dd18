import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';
import { dialectOf } from '../../db/connect.js';

/** The parts of knex's tarn pool read at scrape time. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/**
 * Connection-pool gauges read from knex's pool when Prometheus scrapes, not on every query: pending
 * acquires above zero mean requests queue for a connection (and answer 503 at the acquire timeout).
 * A pool that is not there (the database was closed) reads as zero.
 */
export function registerPoolMetrics(registry: Registry, db: Knex): void {
  const dialect = dialectOf(db);
  const pool = (): TarnPool | undefined => (db.client as { pool?: TarnPool }).pool;
  new Gauge({
    name: 'gatehouse_db_pool_connections',
    help: 'Database connections in the pool, by state: used (lent to a query) or free (idle, open).',
    labelNames: ['dialect', 'state'],
    registers: [registry],
    collect() {
      const p = pool();
      this.set({ dialect, state: 'used' }, p?.numUsed() ?? 0);
      this.set({ dialect, state: 'free' }, p?.numFree() ?? 0);
    },
  });
  new Gauge({
    name: 'gatehouse_db_pool_pending_acquires',
    help: 'Queries waiting for a database connection from the pool.',
    labelNames: ['dialect'],
    registers: [registry],
    collect() {
      this.set({ dialect }, pool()?.numPendingAcquires() ?? 0);
    },
  });
  new Gauge({
    name: 'gatehouse_db_pool_max_connections',
    help: 'Most connections the pool may open (GATEHOUSE_DB_POOL_MAX; 1 for SQLite).',
    labelNames: ['dialect'],
    registers: [registry],
    collect() {
      this.set({ dialect }, pool()?.max ?? 0);
    },
  });
}
