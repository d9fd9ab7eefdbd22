import type { DataSource } from 'typeorm';
import { toMoney } from '../common/money';
import { idSortKey, PageWindow, sqlKeyset } from '../common/relay';
import { queryRows } from '../database/data-source';
import { RetentionCohort, RetentionReport, RetentionWindow, RfmSegment, RfmSegmentCount } from './retention.types';

/**
 * Retention figures, each one set-based statement over `purchases` (and `members` for cohorts).
 * $1 is the partner (null: the coalition), $2 the instant the figures are as of. A member counts
 * for a partner when it purchased there; only purchases at that partner count.
 */
const SCOPE = `($1::bigint IS NULL OR p.partner_id = $1) AND p.created_at <= $2::timestamptz`;

/** "Was active, then stopped": the last purchase lies between N + 90 and N days before the instant. */
const atRisk = (last: string, asOf: string, days: string) =>
  `${last} <= ${asOf} - ${days} * interval '1 day' AND ${last} > ${asOf} - (${days} + 90) * interval '1 day'`;

const rate = (part: string, whole: string) => `coalesce(round(${part}::numeric / nullif(${whole}, 0), 4), 0)::text`;

const WINDOWS = `
  WITH per_member AS (
    SELECT p.member_id, max(p.created_at) AS last_at,
           count(*) FILTER (WHERE p.created_at > $2::timestamptz - interval '30 days') AS n30,
           count(*) FILTER (WHERE p.created_at > $2::timestamptz - interval '90 days') AS n90
      FROM purchases p WHERE ${SCOPE} GROUP BY p.member_id
  ), counts AS (
    SELECT count(*) FILTER (WHERE n30 > 0)::int AS a30, count(*) FILTER (WHERE n30 > 1)::int AS r30,
           count(*) FILTER (WHERE n90 > 0)::int AS a90, count(*) FILTER (WHERE n90 > 1)::int AS r90,
           count(*) FILTER (WHERE ${atRisk('last_at', '$2::timestamptz', '$3::int')})::int AS at_risk
      FROM per_member
  )
  SELECT a30, r30, ${rate('r30', 'a30')} AS rate30, a90, r90, ${rate('r90', 'a90')} AS rate90, at_risk FROM counts`;

// Months in the coalition's time zone; each cohort's row runs from its month to asOf's (a triangle).
const COHORTS = `
  WITH z AS (SELECT time_zone AS tz FROM coalition_settings),
  bounds AS (
    SELECT z.tz, date_trunc('month', $2::timestamptz AT TIME ZONE z.tz) AS last_month,
           (date_trunc('month', $2::timestamptz AT TIME ZONE z.tz) - ($3::int - 1) * interval '1 month') AT TIME ZONE z.tz AS first_start
      FROM z
  ), cohort_members AS (
    SELECT m.id, date_trunc('month', m.created_at AT TIME ZONE b.tz) AS cohort
      FROM bounds b JOIN members m ON m.created_at >= b.first_start AND m.created_at <= $2::timestamptz
     WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM purchases p WHERE p.member_id = m.id AND ${SCOPE})
  ), activity AS (
    SELECT DISTINCT p.member_id, date_trunc('month', p.created_at AT TIME ZONE b.tz) AS month
      FROM bounds b JOIN purchases p ON p.created_at >= b.first_start WHERE ${SCOPE}
  ), sizes AS (
    SELECT cohort, count(*)::int AS size FROM cohort_members GROUP BY cohort
  ), active AS (
    SELECT c.cohort, a.month, count(*)::int AS n FROM cohort_members c JOIN activity a ON a.member_id = c.id AND a.month >= c.cohort
     GROUP BY c.cohort, a.month
  )
  SELECT to_char(s.cohort, 'YYYY-MM') AS month, s.size,
         array_agg(coalesce(a.n, 0) ORDER BY g.month) AS active,
         array_agg(${rate('coalesce(a.n, 0)', 's.size')} ORDER BY g.month) AS retention
    FROM sizes s CROSS JOIN bounds b CROSS JOIN LATERAL generate_series(s.cohort, b.last_month, interval '1 month') g (month)
    LEFT JOIN active a ON a.cohort = s.cohort AND a.month = g.month
   GROUP BY s.cohort, s.size ORDER BY s.cohort`;

const SEGMENTS = `
  WITH r AS MATERIALIZED (SELECT member_id, currency, spend_minor, segment FROM coalition_rfm($1, $2)),
  counts AS (SELECT segment, count(DISTINCT member_id)::int AS members FROM r GROUP BY segment),
  spend AS (SELECT segment, currency, sum(spend_minor)::text AS minor FROM r GROUP BY segment, currency)
  SELECT c.segment, c.members, json_agg(json_build_object('currency', s.currency, 'minor', s.minor) ORDER BY s.currency) AS spend
    FROM counts c JOIN spend s USING (segment) GROUP BY c.segment, c.members`;

// Upserted and pruned in one statement, so a purchase reading member_segments meanwhile sees the
// old segments or the new ones, and is never blocked (no table lock, only row writes).
const REFRESH = `
  WITH fresh AS (SELECT DISTINCT member_id, segment FROM coalition_rfm(NULL, now())),
  upserted AS (
    INSERT INTO member_segments (member_id, segment) SELECT member_id, segment FROM fresh
    ON CONFLICT (member_id) DO UPDATE SET segment = EXCLUDED.segment, refreshed_at = now()
  ), pruned AS (
    DELETE FROM member_segments s WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.member_id = s.member_id)
  )
  SELECT count(*)::int AS members FROM fresh`;

export interface AtRiskRow {
  id: string;
  card_number: string;
  first_name: string | null;
  email: string | null;
  last_at: Date;
}

export class RetentionService {
  constructor(private readonly dataSource: DataSource) {}

  async report(partnerId: string | null, asOf: Date, atRiskDays: number, cohortMonths: number): Promise<RetentionReport> {
    const [[w], cohorts, segments] = await Promise.all([
      queryRows<Record<string, number | string>>(this.dataSource, WINDOWS, [partnerId, asOf, atRiskDays]),
      queryRows<RetentionCohort>(this.dataSource, COHORTS, [partnerId, asOf, cohortMonths]),
      queryRows<{ segment: RfmSegment; members: number; spend: { currency: string; minor: string }[] }>(this.dataSource, SEGMENTS, [
        partnerId,
        asOf,
      ]),
    ]);
    const window = (days: number, active: string, repeat: string, share: string): RetentionWindow =>
      Object.assign(new RetentionWindow(), { days, activeMembers: w[active], repeatPurchasers: w[repeat], repeatPurchaseRate: w[share] });
    return Object.assign(new RetentionReport(), {
      asOf,
      windows: [window(30, 'a30', 'r30', 'rate30'), window(90, 'a90', 'r90', 'rate90')],
      cohorts: cohorts.map((c) => Object.assign(new RetentionCohort(), c)),
      segments: Object.values(RfmSegment).map((segment) => {
        const found = segments.find((s) => s.segment === segment);
        return Object.assign(new RfmSegmentCount(), {
          segment,
          members: found?.members ?? 0,
          spend: (found?.spend ?? []).map((s) => toMoney(s.minor, s.currency)),
        });
      }),
      atRiskDays,
      atRiskMembers: w.at_risk,
    });
  }

  /** At-risk members (as of now) who consented to marketing and were not erased, in member order. */
  async atRiskFollowUps(partnerId: string | null, atRiskDays: number, window: PageWindow): Promise<AtRiskRow[]> {
    const keyset = sqlKeyset(idSortKey('m.id'), window, 'ASC', 3);
    return queryRows<AtRiskRow>(
      this.dataSource,
      `WITH last AS (
         SELECT p.member_id, max(p.created_at) AS last_at FROM purchases p WHERE ($1::bigint IS NULL OR p.partner_id = $1) GROUP BY p.member_id
       )
       SELECT m.id, m.card_number, m.first_name, m.email, l.last_at
         FROM last l JOIN members m ON m.id = l.member_id
        WHERE ${atRisk('l.last_at', 'now()', '$2::int')} AND m.marketing_consent AND m.erased_at IS NULL AND ${keyset.where}
        ${keyset.orderLimit}`,
      [partnerId, atRiskDays, ...keyset.params],
    );
  }

  /** Recomputes every member's coalition-wide segment (the pg-boss job and the operator's mutation). */
  async refreshSegments(): Promise<number> {
    const [row] = await queryRows<{ members: number }>(this.dataSource, REFRESH, []);
    return row.members;
  }
}
