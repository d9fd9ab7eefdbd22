/**
 * The events invariant, checked independently of the triggers that write them: every effect has
 * exactly one event of its type, for the partner it concerns, with the same key and amount, and
 * no event exists without its effect. Each check compares two multisets of (partner, key, value)
 * in both directions, set-based.
 */
const CHECKS: { type: string; facts: string; event: string }[] = [
  {
    type: 'purchase.recorded',
    facts: `SELECT partner_id, coalition_global_id('Purchase', id), points::text FROM purchases`,
    event: `data->>'purchaseId', data->>'points'`,
  },
  {
    type: 'purchase.returned',
    facts: `SELECT p.partner_id, coalition_global_id('Purchase', p.id), r.points::text FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id`,
    event: `data->>'purchaseId', data->>'pointsReversed'`,
  },
  {
    type: 'reward.redeemed',
    facts: `SELECT w.fulfilled_by, coalition_global_id('Redemption', d.id), d.points::text FROM redemptions d JOIN rewards w ON w.id = d.reward_id
            UNION ALL
            SELECT w.sponsored_by, coalition_global_id('Redemption', d.id), d.points::text FROM redemptions d JOIN rewards w ON w.id = d.reward_id
             WHERE w.sponsored_by <> w.fulfilled_by`,
    event: `data->>'redemptionId', data->>'points'`,
  },
  {
    type: 'voucher.used',
    facts: `SELECT partner_id, coalition_global_id('Voucher', id), '' FROM vouchers WHERE used_at IS NOT NULL`,
    event: `data->>'voucherId', ''`,
  },
  {
    type: 'gift_card.redeemed',
    facts: `SELECT u.partner_id, coalition_global_id('GiftCard', g.id), coalition_money_json(u.amount_minor, g.currency)->>'amount'
              FROM gift_card_uses u JOIN gift_cards g ON g.id = u.gift_card_id`,
    event: `data->>'giftCardId', data->'amount'->>'amount'`,
  },
  {
    type: 'miles_transfer.requested',
    facts: `SELECT airline_id, coalition_global_id('MilesTransfer', id), points::text FROM miles_transfers WHERE direction = 'TO_MILES'`,
    event: `data->>'transferId', data->>'points'`,
  },
  ...(
    [
      ['confirmed', 'CAPTURED'],
      ['rejected', 'VOIDED'],
      ['expired', 'EXPIRED'],
    ] as const
  ).map(([outcome, status]) => ({
    type: `miles_transfer.${outcome}`,
    facts: `SELECT t.airline_id, coalition_global_id('MilesTransfer', t.id), t.points::text
              FROM miles_transfers t JOIN point_holds h ON h.id = t.hold_id WHERE h.status = '${status}'`,
    event: `data->>'transferId', data->>'points'`,
  })),
  {
    type: 'settlement.statement_closed',
    facts: `SELECT partner_id, coalition_global_id('SettlementPeriod', period_id) || currency, net_minor::text FROM settlement_statements`,
    event: `(data->>'periodId') || (data->>'currency'), replace(data->'net'->>'amount', '.', '')::bigint::text`,
  },
  {
    type: 'payment_instruction.created',
    facts: `SELECT partner_id, coalition_global_id('PaymentInstruction', id), amount_minor::text FROM payment_instructions`,
    event: `data->>'paymentInstructionId', replace(data->'amount'->>'amount', '.', '')::bigint::text`,
  },
];

/** One line per event type whose events and effects disagree; empty when they all match. */
export async function auditEvents(db: { query(sql: string): Promise<any[]> }): Promise<string[]> {
  const [row] = await db.query(
    `SELECT ${CHECKS.map(
      (c, i) => `(WITH f AS (${c.facts}), e AS (SELECT partner_id, ${c.event} FROM partner_events WHERE type = '${c.type}')
                 SELECT (SELECT count(*) FROM (TABLE f EXCEPT ALL TABLE e) x) || '/' || (SELECT count(*) FROM (TABLE e EXCEPT ALL TABLE f) y)) AS c${i}`,
    ).join(', ')}`,
  );
  return CHECKS.flatMap((c, i) => {
    const [missing, extra] = String(row[`c${i}`]).split('/');
    return missing === '0' && extra === '0'
      ? []
      : [`${c.type}: ${missing} effects without their event, ${extra} events without their effect`];
  });
}
