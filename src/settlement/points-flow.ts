import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { Arg, Authorized, Ctx, Field, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { queryRows } from '../database/data-source';
import type { Context } from '../graphql/context';

/**
 * Points earned and burned over time, for the operator's charts: one set-based pass over the
 * ledger entries in the range, grouped by day or month in the coalition's time zone, with empty
 * buckets filled in so a chart's axis has no gaps.
 */

export const PointsFlowInterval = { DAY: 'DAY', MONTH: 'MONTH' } as const;
export type PointsFlowInterval = (typeof PointsFlowInterval)[keyof typeof PointsFlowInterval];
registerEnumType(PointsFlowInterval, {
  name: 'PointsFlowInterval',
  valuesConfig: {
    DAY: { description: 'Calendar days in the coalition’s time zone.' },
    MONTH: { description: 'Calendar months in the coalition’s time zone.' },
  },
});

/** The most buckets one call answers: a year of days, ten years of months. */
export const MAX_BUCKETS: Record<PointsFlowInterval, number> = { DAY: 366, MONTH: 120 };

@ObjectType('PointsFlowBucket', { description: 'Points that moved in one day or month, each from the members’ side.' })
export class PointsFlowBucket {
  @Field(() => DateTimeScalar, { description: 'Start of the day or month (the first bucket is cut at `from`, the last at `to`).' })
  start!: Date;
  @Field(() => PointsScalar, { description: 'Points credited to members: purchases, bonuses, goodwill, surveys, miles converted in.' })
  earned!: bigint;
  @Field(() => PointsScalar, { description: 'Points taken back by returns.' })
  returned!: bigint;
  @Field(() => PointsScalar, { description: 'Points spent on rewards (net of reversed redemptions).' })
  redeemed!: bigint;
  @Field(() => PointsScalar, {
    description: 'Points sent to airlines: held for a miles transfer, net of holds released (rejected or expired) in the bucket.',
  })
  transferred!: bigint;
  @Field(() => PointsScalar, { description: 'Points that expired (breakage).' })
  expired!: bigint;
}

export interface PointsFlowRow {
  start: Date;
  earned: string;
  returned: string;
  redeemed: string;
  transferred: string;
  expired: string;
}

const FLOW = `
  WITH z AS (SELECT time_zone AS tz FROM coalition_settings),
  bounds AS (
    SELECT z.tz,
           coalesce($2::timestamptz,
                    (date_trunc($1::text, now() AT TIME ZONE z.tz) - ($4::int - 1) * ('1 ' || $1::text)::interval) AT TIME ZONE z.tz) AS lo,
           coalesce($3::timestamptz, now()) AS hi
      FROM z
  ),
  series AS (
    SELECT b AT TIME ZONE bounds.tz AS start
      FROM bounds, generate_series(date_trunc($1, bounds.lo AT TIME ZONE bounds.tz),
                                   date_trunc($1, (bounds.hi - interval '1 microsecond') AT TIME ZONE bounds.tz),
                                   ('1 ' || $1)::interval) b
  ),
  flow AS (
    SELECT date_trunc($1, e.created_at AT TIME ZONE bounds.tz) AT TIME ZONE bounds.tz AS start,
           sum(e.member_points) FILTER (WHERE e.operation = 'CREDIT') AS earned,
           -sum(e.member_points) FILTER (WHERE e.operation = 'REVERSAL' AND e.member_points < 0) AS returned,
           -sum(e.member_points) FILTER (WHERE e.operation = 'DEBIT' OR (e.operation = 'REVERSAL' AND e.member_points > 0)) AS redeemed,
           -sum(e.member_points) FILTER (WHERE e.operation IN ('HOLD', 'RELEASE')) AS transferred,
           -sum(e.member_points) FILTER (WHERE e.operation = 'EXPIRY') AS expired
      FROM bounds JOIN ledger_entries e ON e.created_at >= bounds.lo AND e.created_at < bounds.hi
     GROUP BY 1
  )
  SELECT s.start,
         coalesce(f.earned, 0)::text AS earned, coalesce(f.returned, 0)::text AS returned,
         coalesce(f.redeemed, 0)::text AS redeemed, coalesce(f.transferred, 0)::text AS transferred,
         coalesce(f.expired, 0)::text AS expired
    FROM series s LEFT JOIN flow f USING (start)
   ORDER BY s.start`;

function badRange(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The buckets from `from` (default: the last 30 days or 12 months) to `to` (default: now), oldest first. */
export async function pointsFlow(
  dataSource: DataSource,
  interval: PointsFlowInterval,
  from: Date | null,
  to: Date | null,
): Promise<PointsFlowRow[]> {
  const max = MAX_BUCKETS[interval];
  const end = to ?? new Date();
  if (from && from >= end) throw badRange('"from" must be before "to"');
  // A bucket is at least 28 days for months; the count check is exact in days, generous in months.
  const longest = (interval === 'DAY' ? max + 1 : (max + 1) * 31) * 86_400_000;
  if (from && end.getTime() - from.getTime() > longest) {
    throw badRange(`At most ${max} ${interval === 'DAY' ? 'days' : 'months'} per call`);
  }
  const defaultBuckets = interval === 'DAY' ? 30 : 12;
  return queryRows<PointsFlowRow>(dataSource, FLOW, [interval.toLowerCase(), from, to, defaultBuckets]);
}

@Resolver()
export class PointsFlowResolver {
  @Authorized('OPERATOR')
  @Query(() => [PointsFlowBucket], {
    description:
      'Operator: points earned, returned, redeemed, transferred and expired per day or month, oldest first, with empty buckets. Default range: the last 30 days or 12 months up to now.',
  })
  async pointsFlow(
    @Arg('interval', () => PointsFlowInterval, { defaultValue: 'DAY' }) interval: PointsFlowInterval,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Inclusive.' }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Exclusive; default now.' }) to: Date | null,
    @Ctx() ctx: Context,
  ): Promise<PointsFlowBucket[]> {
    const rows = await ctx.services.settlement.flow(interval, from ?? null, to ?? null);
    return rows.map((r) =>
      Object.assign(new PointsFlowBucket(), {
        start: r.start,
        earned: BigInt(r.earned),
        returned: BigInt(r.returned),
        redeemed: BigInt(r.redeemed),
        transferred: BigInt(r.transferred),
        expired: BigInt(r.expired),
      }),
    );
  }
}
