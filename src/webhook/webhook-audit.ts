/**
 * The events invariant, checked independently of the triggers that write them: every effect has
 * exactly one event of its type for each partner it concerns, and no event exists without its
 * effect. Both directions, set-based, over (partner, type, source row).
 */
const EFFECTS = `
  SELECT partner_id, 'purchase.recorded' AS type, id FROM purchases
  UNION ALL SELECT p.partner_id, 'purchase.returned', r.id FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id
  UNION ALL SELECT w.fulfilled_by, 'reward.redeemed', d.id FROM redemptions d JOIN rewards w ON w.id = d.reward_id
  UNION ALL SELECT w.sponsored_by, 'reward.redeemed', d.id FROM redemptions d JOIN rewards w ON w.id = d.reward_id
             WHERE w.sponsored_by <> w.fulfilled_by
  UNION ALL SELECT partner_id, 'voucher.used', id FROM vouchers WHERE used_at IS NOT NULL
  UNION ALL SELECT partner_id, 'gift_card.redeemed', id FROM gift_card_uses
  UNION ALL SELECT airline_id, 'miles_transfer.requested', id FROM miles_transfers WHERE direction = 'TO_MILES'
  UNION ALL SELECT t.airline_id, 'miles_transfer.' || lower(CASE h.status WHEN 'CAPTURED' THEN 'confirmed' WHEN 'VOIDED' THEN 'rejected' ELSE 'expired' END), t.id
              FROM miles_transfers t JOIN point_holds h ON h.id = t.hold_id WHERE h.status <> 'PENDING'
  UNION ALL SELECT partner_id, 'settlement.statement_closed', id FROM settlement_statements
  UNION ALL SELECT partner_id, 'payment_instruction.created', id FROM payment_instructions`;

/** One line per event type whose events and effects disagree; empty when they all match. */
export async function auditEvents(db: { query(sql: string): Promise<any[]> }): Promise<string[]> {
  const rows: { type: string; missing: string; extra: string }[] = await db.query(`
    WITH f AS (${EFFECTS}),
         e AS (SELECT partner_id, type, source_id AS id FROM partner_events WHERE type <> 'webhook.test'),
         missing AS (SELECT type FROM (TABLE f EXCEPT ALL TABLE e) x),
         extra AS (SELECT type FROM (TABLE e EXCEPT ALL TABLE f) y)
    SELECT type, count(*) FILTER (WHERE side = 'missing') AS missing, count(*) FILTER (WHERE side = 'extra') AS extra
      FROM (SELECT type, 'missing' AS side FROM missing UNION ALL SELECT type, 'extra' FROM extra) d
     GROUP BY type ORDER BY type`);
  return rows.map((r) => `${r.type}: ${r.missing} effects without their event, ${r.extra} events without their effect`);
}
