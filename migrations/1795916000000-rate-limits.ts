import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-caller rate-limit counters shared by every server process (rate-limiter-flexible's
 * PostgreSQL store, in the table shape it expects). UNLOGGED: counters a crash forgets cost
 * nothing, and they are written on every value-moving request without WAL.
 */
export class RateLimits1795916000000 implements MigrationInterface {
  name = 'RateLimits1795916000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limits (
        key    varchar(255) PRIMARY KEY,
        points integer      NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
