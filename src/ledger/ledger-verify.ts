import type { DataSource } from 'typeorm';
import { auditLedger, LedgerViolation } from './ledger-audit';

/**
 * Recomputes the seal chain and every invariant. A mismatch in a sealed block means a sealed entry
 * or posting was changed, added or removed behind the ledger's back.
 */
export async function verifyLedger(dataSource: DataSource): Promise<LedgerViolation[]> {
  const broken: Record<string, unknown>[] = await dataSource.query(`
    SELECT s.block, s.first_entry_id, s.last_entry_id
      FROM ledger_seals s
      LEFT JOIN ledger_seals prev ON prev.block = s.block - 1
     WHERE s.prev_hash <> coalesce(prev.hash, '\\x'::bytea)
        OR s.hash <> ledger_block_hash(s.prev_hash, s.first_entry_id, s.last_entry_id)
        OR s.entries <> (SELECT count(*) FROM ledger_entries e WHERE e.id BETWEEN s.first_entry_id AND s.last_entry_id)
     ORDER BY s.block`);
  const violations = await auditLedger(dataSource);
  return broken.length > 0 ? [{ check: 'sealed block does not match its entries', rows: broken.slice(0, 5) }, ...violations] : violations;
}

/** Seals what is older than `lagSeconds`; returns the entries sealed. */
export async function sealLedger(dataSource: DataSource, lagSeconds = 300): Promise<number> {
  const [{ sealed }] = await dataSource.query(`SELECT ledger_seal(make_interval(secs => $1)) AS sealed`, [lagSeconds]);
  return sealed;
}
