import type { Knex } from 'knex';

/** Shard that holds what a counter had counted before it was sharded; increments never pick it. */
export const CARRIED_OVER_SHARD = -1;

/**
 * Counters become rows per (name, shard): every anonymous web-UI visit counts, and one global row
 * per counter was written by every instance at once (on Galera, parallel writes of one row on
 * different nodes fail certification). Each increment now picks a random shard and a read sums
 * them. Every step checks what already exists: MySQL DDL is not transactional, so a start that
 * crashed half-way must be able to run this again.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('counter_shards'))) {
    await knex.schema.createTable('counter_shards', (t) => {
      t.string('name', 64).notNullable().comment('counter name, e.g. web_sessions.created_total');
      t.smallint('shard').notNullable().comment(`random shard of the increment (0..15); ${CARRIED_OVER_SHARD}: the count carried over from the unsharded table`);
      t.bigInteger('value').notNullable().defaultTo(0).comment('this shard\'s part of the count; the counter is the SUM over its shards');
      t.primary(['name', 'shard']);
    });
  }
  if (await knex.schema.hasTable('counters')) {
    await knex.raw(
      `INSERT INTO counter_shards (name, shard, value) SELECT c.name, ${CARRIED_OVER_SHARD}, c.value FROM counters c
       WHERE NOT EXISTS (SELECT 1 FROM counter_shards s WHERE s.name = c.name AND s.shard = ${CARRIED_OVER_SHARD})`,
    );
    await knex.schema.dropTable('counters');
  }
}

export async function down(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('counters'))) {
    await knex.schema.createTable('counters', (t) => {
      t.string('name', 64).primary().comment('counter name, e.g. web_sessions.created_total');
      t.bigInteger('value').notNullable().defaultTo(0).comment('incremented by single-statement UPDATEs, so every instance shares it');
    });
  }
  if (await knex.schema.hasTable('counter_shards')) {
    await knex.raw(
      `INSERT INTO counters (name, value) SELECT s.name, SUM(s.value) FROM counter_shards s
       WHERE NOT EXISTS (SELECT 1 FROM counters c WHERE c.name = s.name) GROUP BY s.name`,
    );
    await knex.schema.dropTable('counter_shards');
  }
}
