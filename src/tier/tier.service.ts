import type { DataSource } from 'typeorm';
import { compareDecimal, decimalScale } from '../common/decimal';
import { BusinessError, CommonErrorCode, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { withRetry } from '../ledger/ledger-call';
import type { CreateTierInput, TierRow } from './tier.types';

export class TierService {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: CreateTierInput): Promise<TierRow> {
    const name = input.name.trim();
    const multiplier = input.earnMultiplier ?? '1';
    new Validation()
      .text(name, ['input', 'name'], { max: 100 })
      .check(
        input.minQualifyingPoints >= 0n,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'minQualifyingPoints'],
        'minQualifyingPoints must be zero or more',
      )
      .check(
        compareDecimal(multiplier, '1') >= 0 && compareDecimal(multiplier, '100') <= 0 && decimalScale(multiplier) <= 4,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'earnMultiplier'],
        'earnMultiplier must be between 1 and 100 with at most 4 decimals',
      )
      .throwIfAny();
    const rows = await queryRows<TierRow>(
      this.dataSource,
      `INSERT INTO tiers (name, min_qualifying_points, earn_multiplier) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING *`,
      [name, input.minQualifyingPoints, multiplier],
    );
    if (rows.length === 0) throw new BusinessError('DUPLICATE_TIER', 'A tier with that name or threshold exists', ['input']);
    return rows[0];
  }

  list(): Promise<TierRow[]> {
    return queryRows<TierRow>(this.dataSource, 'SELECT * FROM tiers ORDER BY min_qualifying_points');
  }

  /** The member's tier, qualifying points now, and the next tier up. */
  async forMember(memberId: string): Promise<{ tier: TierRow | null; since: Date | null; qualifyingPoints: bigint; next: TierRow | null }> {
    const [row] = await queryRows<{ tier_id: string | null; tier_since: Date | null; qualifying: string }>(
      this.dataSource,
      'SELECT tier_id, tier_since, coalition_qualifying_points(id, now()) AS qualifying FROM members WHERE id = $1',
      [memberId],
    );
    const tiers = await this.list();
    const tier = tiers.find((t) => t.id === row.tier_id) ?? null;
    const next = tiers.find((t) => BigInt(t.min_qualifying_points) > BigInt(tier?.min_qualifying_points ?? -1)) ?? null;
    return { tier, since: row.tier_since, qualifyingPoints: BigInt(row.qualifying), next };
  }

  /** The period-end review: every member moves to the tier its qualifying points earn, down as well as up. */
  async review(asOf: Date): Promise<number> {
    const [row] = await withRetry(() =>
      queryRows<{ changed: number }>(this.dataSource, 'SELECT coalition_review_tiers($1) AS changed', [asOf]),
    );
    return row.changed;
  }
}
