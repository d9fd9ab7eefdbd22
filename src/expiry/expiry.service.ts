import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/data-source';

/** The longest look-ahead of `Member.expiringPoints`: ten years, beyond any expiry term. */
export const MAX_EXPIRY_WINDOW_DAYS = 3660;

export interface ExpiringPointsRow {
  expires_at: Date;
  points: string;
}

/** What will expire: the unspent remainder of a member's lots, read from the ledger's lot table. */
export class ExpiryService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A member's unspent points expiring within `days` days, summed per expiry instant, soonest first
   * (one range of the partial index of lots with points left). Lots already past their expiry that
   * the daily run has not taken yet are included: they are still spendable, and go first.
   * `fundedBy`: only lots that partner paid for.
   */
  expiringForMember(memberId: string, days: number, fundedBy: string | null): Promise<ExpiringPointsRow[]> {
    if (!Number.isInteger(days) || days < 0 || days > MAX_EXPIRY_WINDOW_DAYS) {
      throw new GraphQLError(`"days" must be between 0 and ${MAX_EXPIRY_WINDOW_DAYS}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return queryRows<ExpiringPointsRow>(
      this.dataSource,
      `SELECT expires_at, sum(remaining)::text AS points
         FROM point_lots
        WHERE member_id = $1 AND remaining > 0 AND expires_at <= now() + make_interval(days => $2)
          AND ($3::bigint IS NULL OR funding_partner_id = $3)
        GROUP BY expires_at ORDER BY expires_at LIMIT 100`,
      [memberId, days, fundedBy],
    );
  }
}
