import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { compareDecimal, decimalScale } from '../common/decimal';
import { parseMoney } from '../common/money';
import { localIdOf } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { unknownPartner } from '../partner/partner.errors';
import type { CreatePromotionInput, PromotionRow } from './promotion.types';

export class PromotionService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates a promotion. The operator may scope and fund as it likes; a partner only promotes
   * itself, at its own cost.
   */
  async create(principal: Principal, input: CreatePromotionInput): Promise<PromotionRow> {
    const name = input.name.trim();
    const isPartner = principal.kind === 'PARTNER';
    const partnerId = isPartner ? principal.partnerId : input.partnerId ? localIdOf(input.partnerId, 'Partner') : null;
    const funderId = isPartner ? principal.partnerId : input.funderPartnerId ? localIdOf(input.funderPartnerId, 'Partner') : null;
    new Validation()
      .text(name, ['input', 'name'], NAME_TEXT)
      .check(
        input.kind !== 'MULTIPLIER' ||
          (input.multiplier != null &&
            compareDecimal(input.multiplier, '1') > 0 &&
            compareDecimal(input.multiplier, '100') <= 0 &&
            decimalScale(input.multiplier) <= 4),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'multiplier'],
        'a MULTIPLIER promotion needs a multiplier above 1 and at most 100, with at most 4 decimals',
      )
      .check(
        input.kind !== 'FIXED_BONUS' || input.bonusPoints != null,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'bonusPoints'],
        'a FIXED_BONUS promotion needs bonusPoints above zero',
      )
      .points(input.bonusPoints ?? 1n, ['input', 'bonusPoints'])
      .check(input.endsAt > input.startsAt, CommonErrorCode.INVALID_INPUT, ['input', 'endsAt'], 'endsAt must be after startsAt')
      .check(
        !(partnerId && input.category),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'category'],
        'scope a promotion to a partner or a category, not both',
      )
      .throwIfAny();
    if (input.partnerId && !partnerId && !isPartner) throw unknownPartner(['input', 'partnerId']);
    if (input.funderPartnerId && !funderId && !isPartner) throw unknownPartner(['input', 'funderPartnerId']);
    const minimum = input.minimumPurchase ? parseMoney(input.minimumPurchase, ['input', 'minimumPurchase']) : null;
    if (minimum && !partnerId) {
      throw new BusinessError(
        CommonErrorCode.INVALID_INPUT,
        'a minimum purchase needs a partner scope (it is in that partner’s currency)',
        ['input', 'minimumPurchase'],
      );
    }
    const rows = await queryRows<PromotionRow & { scoped_currency: string | null }>(
      this.dataSource,
      `WITH scope AS (SELECT currency FROM partners WHERE id = $5)
       INSERT INTO promotions (name, kind, multiplier, bonus_points, partner_id, category, funder_partner_id, min_amount_minor, starts_at, ends_at, segment)
       SELECT $1, $2, $3, $4, $5, $6, $7, coalesce($8, 0), $9, $10, $12
        WHERE ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM scope)) AND ($7::bigint IS NULL OR EXISTS (SELECT 1 FROM partners WHERE id = $7))
          AND ($11::text IS NULL OR $11 = (SELECT currency FROM scope))
          AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM partner_categories WHERE code = $6))
       RETURNING *`,
      [
        name,
        input.kind,
        input.kind === 'MULTIPLIER' ? input.multiplier : null,
        input.kind === 'FIXED_BONUS' ? input.bonusPoints : null,
        partnerId,
        input.category ?? null,
        funderId,
        minimum?.minor ?? null,
        input.startsAt,
        input.endsAt,
        minimum?.currency ?? null,
        input.segment ?? null,
      ],
    );
    if (rows.length === 0) {
      throw new BusinessError(
        CommonErrorCode.INVALID_INPUT,
        'unknown partner, funder or category, or a minimum in another currency than the partner’s',
        ['input'],
      );
    }
    return rows[0];
  }

  /** Promotions running now or later; a partner sees those that apply to it. */
  async listCurrent(partnerId: string | null): Promise<PromotionRow[]> {
    return queryRows<PromotionRow>(
      this.dataSource,
      `SELECT * FROM promotions p
        WHERE ends_at > now()
          AND ($1::bigint IS NULL OR partner_id = $1 OR category = (SELECT category FROM partners WHERE id = $1) OR (partner_id IS NULL AND category IS NULL))
        ORDER BY starts_at, id LIMIT 100`,
      [partnerId],
    );
  }
}
