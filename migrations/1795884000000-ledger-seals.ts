import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence: the journal is sealed in blocks, each a SHA-256 over its entries and their
 * postings chained to the previous block's hash. Sealing runs beside the write path (no lock on
 * it); `npm run verify-ledger` recomputes the chain.
 */
export class LedgerSeals1795884000000 implements MigrationInterface {
  name = 'LedgerSeals1795884000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_seals (
        block          bigint      PRIMARY KEY,
        first_entry_id bigint      NOT NULL,
        last_entry_id  bigint      NOT NULL,
        entries        integer     NOT NULL CHECK (entries > 0),
        prev_hash      bytea       NOT NULL,
        hash           bytea       NOT NULL,
        sealed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (first_entry_id <= last_entry_id)
      )`);
    await q.query(`CREATE TRIGGER ledger_seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_seals
                   FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);

    // The hash of a range of entries, chained to p_prev: what sealing writes and verification recomputes.
    await q.query(`
      CREATE FUNCTION ledger_block_hash(p_prev bytea, p_first bigint, p_last bigint) RETURNS bytea LANGUAGE sql STABLE AS $$
        SELECT sha256(p_prev || convert_to(coalesce(string_agg(line, E'\\n' ORDER BY id), ''), 'UTF8'))
          FROM (SELECT e.id, concat_ws('|', e.id, e.operation, e.kind, e.member_id, e.member_points, e.partner_id, e.contract_id,
                         e.reverses_entry_id, e.principal, e.reason, e.reference, extract(epoch FROM e.created_at),
                         (SELECT string_agg(p.account_id || ':' || p.amount, ',' ORDER BY p.account_id) FROM ledger_postings p WHERE p.entry_id = e.id)) AS line
                  FROM ledger_entries e WHERE e.id BETWEEN p_first AND p_last) x
      $$`);

    // Seals the entries older than p_lag not sealed yet as one block. The lag keeps in-flight
    // ledger transactions (single function calls, milliseconds) out of the block being sealed.
    await q.query(`
      CREATE FUNCTION ledger_seal(p_lag interval) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE v_last ledger_seals; v_first bigint; v_upto bigint; v_count integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('ledger_seal'));
        SELECT * INTO v_last FROM ledger_seals ORDER BY block DESC LIMIT 1;
        v_first := coalesce(v_last.last_entry_id, 0) + 1;
        SELECT max(id), count(*) INTO v_upto, v_count FROM ledger_entries WHERE id >= v_first AND created_at < now() - p_lag;
        IF v_upto IS NULL THEN RETURN 0; END IF;
        INSERT INTO ledger_seals (block, first_entry_id, last_entry_id, entries, prev_hash, hash)
        VALUES (coalesce(v_last.block, 0) + 1, v_first, v_upto, v_count, coalesce(v_last.hash, '\\x'::bytea),
                ledger_block_hash(coalesce(v_last.hash, '\\x'::bytea), v_first, v_upto));
        RETURN v_count;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_seal(interval)`);
    await q.query(`DROP FUNCTION ledger_block_hash(bytea, bigint, bigint)`);
    await q.query(`DROP TABLE ledger_seals`);
  }
}
