import { MigrationInterface, QueryRunner } from 'typeorm';
import { RECORD_PURCHASES } from './1795887600000-purchase-batch';
import { COALITION_FUNCTIONS } from './sql/coalition-functions';

/**
 * Retention analytics and segment-targeted promotions (issue 13).
 *
 * coalition_rfm scores members on recency, frequency and monetary value (quintiles, set-based) and
 * names their segment; the retention report reads it live, and refreshSegments copies the
 * coalition-wide answer into member_segments, so a purchase looks its member's segment up by
 * primary key instead of scoring anyone. A promotion with a segment applies only to members in it.
 * The earn functions are the existing ones with that condition added (patched, not copied).
 */
export const SEGMENTS = ['NEW', 'CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'HIBERNATING'] as const;
const SEGMENT_CHECK = `CHECK (segment IN (${SEGMENTS.map((s) => `'${s}'`).join(', ')}))`;

// Quintile of a value among n members: ceil(5 × (members with a value ≤ it) / n), in integers, so
// ties share a score (ntile would split equal members across two scores by an arbitrary order).
const quintile = (order: string, partition = '') =>
  `((5 * count(*) OVER (${partition} ORDER BY ${order}) + count(*) OVER (${partition}) - 1) / count(*) OVER (${partition}))::integer`;

const RFM = `
  CREATE FUNCTION coalition_rfm(p_partner bigint, p_as_of timestamptz)
  RETURNS TABLE (member_id bigint, currency text, spend_minor bigint, recency integer, frequency integer, monetary integer, segment text)
  LANGUAGE sql STABLE AS $$
    WITH per_currency AS (
      SELECT p.member_id, p.currency::text AS currency, sum(p.amount_minor - p.returned_minor)::bigint AS spend,
             count(*) AS purchases, max(p.created_at) AS last_at, min(p.created_at) AS first_at
        FROM purchases p
       WHERE (p_partner IS NULL OR p.partner_id = p_partner) AND p.created_at <= p_as_of
       GROUP BY p.member_id, p.currency
    ), money AS (
      -- Monetary value is scored within each currency (amounts of two currencies never add up).
      SELECT c.*, ${quintile('c.spend', 'PARTITION BY c.currency')} AS m FROM per_currency c
    ), per_member AS (
      SELECT money.member_id, max(m) AS m, sum(purchases) AS purchases, max(last_at) AS last_at, min(first_at) AS first_at
        FROM money GROUP BY money.member_id
    ), scored AS (
      SELECT pm.member_id, pm.m, pm.first_at, ${quintile('pm.last_at')} AS r, ${quintile('pm.purchases')} AS f FROM per_member pm
    )
    SELECT money.member_id, money.currency, money.spend, s.r, s.f, s.m,
           CASE WHEN s.first_at > p_as_of - interval '30 days' THEN 'NEW'
                WHEN s.r >= 4 AND s.f >= 4 AND s.m >= 4 THEN 'CHAMPIONS'
                WHEN s.r >= 3 AND s.f >= 3 THEN 'LOYAL'
                WHEN s.r >= 3 THEN 'PROMISING'
                WHEN s.f >= 3 THEN 'AT_RISK'
                ELSE 'HIBERNATING' END
      FROM money JOIN scored s ON s.member_id = money.member_id
  $$`;

const PROMOTION_SCOPE = '(partner_id = p_partner OR category = v_partner.category OR (partner_id IS NULL AND category IS NULL))';

/** Replaces each needle, failing loudly when the function no longer reads as expected. */
function patch(sql: string, edits: [needle: string, replacement: string, count: number][]): string {
  let out = sql.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');
  for (const [needle, replacement, count] of edits) {
    const found = out.split(needle).length - 1;
    if (found !== count) throw new Error(`expected ${count} of ${JSON.stringify(needle)} in the earn function, found ${found}`);
    out = out.split(needle).join(replacement);
  }
  return out;
}

const RECORD_PURCHASE = COALITION_FUNCTIONS.find((f) => f.includes('CREATE FUNCTION coalition_record_purchase('))!;

// The single purchase: a promotion with a segment counts only for a member in that segment (one
// primary-key lookup, made only when such a promotion is in force).
const RECORD_PURCHASE_TARGETED = patch(RECORD_PURCHASE, [
  [
    PROMOTION_SCOPE,
    `${PROMOTION_SCOPE}\n        AND (segment IS NULL OR segment = (SELECT ms.segment FROM member_segments ms WHERE ms.member_id = v_member.id))`,
    2,
  ],
]);

// The batch: a segment promotion no longer takes its partner's every item off the set-based path;
// only items of members in a targeted segment go through the single purchase, which applies it.
const RECORD_PURCHASES_TARGETED = patch(RECORD_PURCHASES, [
  [
    'NOT EXISTS (SELECT 1 FROM promotions pr WHERE pr.starts_at',
    'NOT EXISTS (SELECT 1 FROM promotions pr WHERE pr.segment IS NULL AND pr.starts_at',
    1,
  ],
  [
    'AND NOT EXISTS (SELECT 1 FROM stamp_cards sc WHERE sc.partner_id = pa.id AND sc.active) AS plain',
    `AND NOT EXISTS (SELECT 1 FROM stamp_cards sc WHERE sc.partner_id = pa.id AND sc.active) AS plain,
                           ARRAY(SELECT pr.segment FROM promotions pr WHERE pr.segment IS NOT NULL AND pr.starts_at <= now() AND pr.ends_at > now()
                                    AND (pr.partner_id = pa.id OR pr.category = pa.category OR (pr.partner_id IS NULL AND pr.category IS NULL))) AS segments`,
    1,
  ],
  [
    'v_coalition_plain AND p.plain AS plain',
    `v_coalition_plain AND p.plain
                   AND (cardinality(p.segments) = 0
                        OR NOT EXISTS (SELECT 1 FROM member_segments ms WHERE ms.member_id = m.id AND ms.segment = ANY (p.segments))) AS plain`,
    1,
  ],
]);

export class RetentionSegments1795915000000 implements MigrationInterface {
  name = 'RetentionSegments1795915000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_segments (
        member_id    bigint      PRIMARY KEY REFERENCES members (id),
        segment      text        NOT NULL ${SEGMENT_CHECK},
        refreshed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE promotions ADD COLUMN segment text ${SEGMENT_CHECK}`);
    await q.query(RFM);
    await q.query(RECORD_PURCHASE_TARGETED);
    await q.query(RECORD_PURCHASES_TARGETED);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(patch(RECORD_PURCHASES, []));
    await q.query(patch(RECORD_PURCHASE, []));
    await q.query(`DROP FUNCTION coalition_rfm(bigint, timestamptz)`);
    await q.query(`ALTER TABLE promotions DROP COLUMN segment`);
    await q.query(`DROP TABLE member_segments`);
  }
}
