import type { DataSource } from 'typeorm';

/**
 * The ledger invariants of DESIGN.md, recomputed from the tables. Each query returns the rows that
 * break its invariant; an empty result everywhere means the ledger is sound. Used by the tests
 * after every step and by operators' verification runs.
 */
const CHECKS: Record<string, string> = {
  // 1. Every entry balances per asset.
  'entry does not balance': `
    SELECT p.entry_id, a.asset, sum(p.amount) AS total
      FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
     GROUP BY p.entry_id, a.asset HAVING sum(p.amount) <> 0`,
  'entry has no postings': `
    SELECT e.id FROM ledger_entries e WHERE NOT EXISTS (SELECT 1 FROM ledger_postings p WHERE p.entry_id = e.id)`,

  // 2. A member's balance equals its lots' remaining points minus its debt, and agrees with its postings.
  'lot remaining differs from earned minus consumptions': `
    SELECT l.id, l.earned, l.remaining, coalesce(sum(c.points), 0) AS consumed
      FROM point_lots l LEFT JOIN lot_consumptions c ON c.lot_id = l.id
     GROUP BY l.id HAVING l.remaining <> l.earned - coalesce(sum(c.points), 0)`,
  'member balance differs from its lots': `
    SELECT m.id, m.points_balance, coalesce(sum(l.remaining), 0) AS lots
      FROM members m LEFT JOIN point_lots l ON l.member_id = m.id
     GROUP BY m.id HAVING greatest(m.points_balance, 0) <> coalesce(sum(l.remaining), 0)`,
  'member lots total differs from its lots': `
    SELECT m.id, m.lots_remaining, coalesce(sum(l.remaining), 0) AS lots
      FROM members m LEFT JOIN point_lots l ON l.member_id = m.id
     GROUP BY m.id HAVING m.lots_remaining <> coalesce(sum(l.remaining), 0)`,
  'member balance differs from its postings': `
    WITH per_account AS (SELECT account_id, sum(amount) AS total FROM ledger_postings GROUP BY account_id),
    per_member AS (
      SELECT a.owner_id AS member_id,
             coalesce(sum(t.total) FILTER (WHERE a.role = 'AVAILABLE'), 0) AS available,
             coalesce(sum(t.total) FILTER (WHERE a.role = 'HELD'), 0) AS held
        FROM ledger_accounts a JOIN per_account t ON t.account_id = a.id
       WHERE a.owner_kind = 'MEMBER' GROUP BY a.owner_id)
    SELECT m.id, m.points_balance, m.points_held, p.available, p.held
      FROM members m LEFT JOIN per_member p ON p.member_id = m.id
     WHERE m.points_balance <> coalesce(p.available, 0) OR m.points_held <> coalesce(p.held, 0)`,
  'member balance differs from its history': `
    SELECT m.id, m.points_balance, coalesce(sum(e.member_points), 0) AS history
      FROM members m LEFT JOIN ledger_entries e ON e.member_id = m.id
     GROUP BY m.id HAVING m.points_balance <> coalesce(sum(e.member_points), 0)`,
  'member held points differ from pending holds': `
    SELECT m.id, m.points_held, coalesce(sum(h.points) FILTER (WHERE h.status = 'PENDING'), 0) AS pending
      FROM members m LEFT JOIN point_holds h ON h.member_id = m.id
     GROUP BY m.id HAVING m.points_held <> coalesce(sum(h.points) FILTER (WHERE h.status = 'PENDING'), 0)`,

  // 3. Points are conserved: issued − reversed = balances + redeemed + expired + converted + held.
  'points are not conserved': `
    WITH moved AS (
      SELECT coalesce(sum(member_points) FILTER (WHERE operation = 'CREDIT'), 0)
           + coalesce(sum(member_points) FILTER (WHERE operation = 'REVERSAL' AND member_points < 0), 0) AS issued_net,
             coalesce(-sum(member_points) FILTER (WHERE operation = 'DEBIT'), 0)
           - coalesce(sum(member_points) FILTER (WHERE operation = 'REVERSAL' AND member_points > 0), 0) AS spent_net,
             coalesce(-sum(member_points) FILTER (WHERE operation = 'EXPIRY'), 0) AS expired
        FROM ledger_entries),
    captured AS (SELECT coalesce(sum(points), 0) AS points FROM point_holds WHERE status = 'CAPTURED'),
    held AS (SELECT coalesce(sum(points_balance), 0) AS balances, coalesce(sum(points_held), 0) AS held FROM members)
    SELECT moved.*, captured.points AS captured, held.*
      FROM moved, captured, held
     WHERE moved.issued_net <> held.balances + moved.spent_net + moved.expired + captured.points + held.held`,

  // A reversal never exceeds what it reverses.
  'reversals exceed the original': `
    SELECT o.id, abs(o.member_points) AS original, sum(abs(r.member_points)) AS reversed
      FROM ledger_entries o JOIN ledger_entries r ON r.reverses_entry_id = o.id
     GROUP BY o.id HAVING sum(abs(r.member_points)) > abs(o.member_points)`,
};

export interface LedgerViolation {
  check: string;
  rows: Record<string, unknown>[];
}

export async function auditLedger(dataSource: DataSource): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];
  for (const [check, sql] of Object.entries(CHECKS)) {
    const rows: Record<string, unknown>[] = await dataSource.query(sql);
    if (rows.length > 0) violations.push({ check, rows: rows.slice(0, 5) });
  }
  return violations;
}
