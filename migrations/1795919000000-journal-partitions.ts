import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Journal partitioning (issue 14, part 3). ledger_entries and settlement_items are partitioned by
 * RANGE on id, ledger_postings on entry_id, monthly: ids are time-ordered (coalition_next_id in
 * sql/functions/10-ledger.sql, which also sets the id defaults), so a month is an exact id range and
 * every foreign key to (id) keeps working (a partitioned table's unique keys must contain its
 * partition key). idempotency_keys is partitioned by created_at; a key is single-use within
 * idempotency_retention() (ledger_claim's advisory lock + lookup, not a global unique index). The
 * monthly partitions are made by journal_partitions_maintain, which 10-ledger.sql runs when it is
 * applied (after this migration) and a daily job runs again.
 * Existing rows stay where they are: each old table becomes the parent's "before" partition.
 */
export class JournalPartitions1795919000000 implements MigrationInterface {
  name = 'JournalPartitions1795919000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE journal_id_seq`);
    // Its return type is the old table's row type, which now belongs to the "before" partition.
    await q.query(`DROP FUNCTION IF EXISTS settlement_items_of(bigint)`);

    const tables = ['ledger_entries', 'ledger_postings', 'settlement_items', 'idempotency_keys'];
    const moved = await detachDependents(q, tables);
    for (const [table, key] of [
      ['ledger_entries', 'id'],
      ['ledger_postings', 'entry_id'],
      ['settlement_items', 'id'],
    ]) {
      await q.query(`ALTER TABLE ${table} RENAME TO ${table}_before`);
      if (key === 'id') await q.query(`ALTER TABLE ${table}_before ALTER id DROP IDENTITY`);
      await q.query(`CREATE TABLE ${table} (LIKE ${table}_before INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING INDEXES)
                     PARTITION BY RANGE (${key})`);
      // Old ids come from identity sequences, far below 2^40; time-ordered ids start above it
      // (2^40 is 12 days after coalition_id_floor's epoch, 2020-01-01).
      await q.query(`ALTER TABLE ${table} ATTACH PARTITION ${table}_before FOR VALUES FROM (MINVALUE) TO (${2 ** 40})`);
    }
    await q.query(`ALTER TABLE idempotency_keys RENAME TO idempotency_keys_before`);
    await q.query(`ALTER TABLE idempotency_keys_before DROP CONSTRAINT idempotency_keys_pkey, ADD PRIMARY KEY (scope, key, created_at)`);
    await q.query(`CREATE TABLE idempotency_keys (LIKE idempotency_keys_before INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)
                   PARTITION BY RANGE (created_at)`);
    // Up to the next month's start: the months after it are made by journal_partitions_maintain.
    const [{ until }] = await q.query(
      `SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month')::text || '+00' AS until`,
    );
    await q.query(`ALTER TABLE idempotency_keys ATTACH PARTITION idempotency_keys_before FOR VALUES FROM (MINVALUE) TO ('${until}')`);
    await reattachDependents(q, moved);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS settlement_items_of(bigint)`);
    const tables = ['ledger_entries', 'ledger_postings', 'settlement_items', 'idempotency_keys'];
    const moved = await detachDependents(q, tables);
    for (const table of tables) {
      await q.query(`ALTER TABLE ${table} DETACH PARTITION ${table}_before`);
      await q.query(`DROP TABLE ${table}`);
      await q.query(`ALTER TABLE ${table}_before RENAME TO ${table}`);
    }
    for (const table of ['ledger_entries', 'settlement_items']) {
      await q.query(`ALTER TABLE ${table} ALTER id DROP DEFAULT, ALTER id ADD GENERATED ALWAYS AS IDENTITY`);
      await q.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`);
    }
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_before_pkey, ADD PRIMARY KEY (scope, key)`);
    await reattachDependents(q, moved);
    await q.query(`DROP SEQUENCE journal_id_seq`);
  }
}

interface Dependents {
  constraints: { tbl: string; conname: string; def: string }[];
  triggers: { tbl: string; tgname: string; def: string }[];
}

/**
 * Drops the foreign keys to and from `tables` and their triggers, returning their definitions
 * (taken while the names still point at the tables, so they apply again to whatever then has them).
 * The tables' own keys need the parent; a transition-table trigger cannot sit on a partition.
 */
async function detachDependents(q: QueryRunner, tables: string[]): Promise<Dependents> {
  const oids = `SELECT unnest($1::text[])::regclass`;
  const constraints = await q.query(
    `SELECT DISTINCT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE contype = 'f' AND conparentid = 0 AND (conrelid IN (${oids}) OR confrelid IN (${oids})) ORDER BY 1, 2`,
    [tables],
  );
  const triggers = await q.query(
    `SELECT tgrelid::regclass::text AS tbl, tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger
      WHERE NOT tgisinternal AND tgparentid = 0 AND tgrelid IN (${oids}) ORDER BY 1, 2`,
    [tables],
  );
  for (const c of constraints) await q.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.conname}`);
  for (const t of triggers) await q.query(`DROP TRIGGER ${t.tgname} ON ${t.tbl}`);
  return { constraints, triggers };
}

async function reattachDependents(q: QueryRunner, d: Dependents): Promise<void> {
  for (const t of d.triggers) await q.query(t.def);
  for (const c of d.constraints) await q.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.conname} ${c.def}`);
}
