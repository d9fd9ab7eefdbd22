import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { parseMoney } from '../common/money';
import { localIdOf } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { unknownPartner } from '../partner/partner.errors';
import type { CreateStampCardInput, StampCardRow } from './stamp-card.types';

/** Stamp cards with their partner's currency, the minimum purchase's unit. */
const CARDS = `stamp_cards s JOIN partners p ON p.id = s.partner_id`;

export class StampCardService {
  constructor(private readonly dataSource: DataSource) {}

  async create(principal: Principal, input: CreateStampCardInput): Promise<StampCardRow> {
    const name = input.name.trim();
    new Validation()
      .text(name, ['input', 'name'], NAME_TEXT)
      .check(
        input.stampsRequired >= 2 && input.stampsRequired <= 100,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'stampsRequired'],
        'stampsRequired must be 2 to 100',
      )
      .throwIfAny();
    const partnerId = principal.kind === 'PARTNER' ? principal.partnerId : input.partnerId ? localIdOf(input.partnerId, 'Partner') : null;
    if (!partnerId) throw unknownPartner(['input', 'partnerId']);
    const rewardId = localIdOf(input.rewardId, 'Reward');
    const minimum = input.minimumPurchase ? parseMoney(input.minimumPurchase, ['input', 'minimumPurchase']) : null;
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO stamp_cards (partner_id, name, stamps_required, min_amount_minor, reward_id)
       SELECT p.id, $2, $3, coalesce($4, 0), r.id FROM partners p JOIN rewards r ON r.id = $5 AND r.fulfilled_by = p.id AND r.kind = 'VOUCHER'
        WHERE p.id = $1 AND ($6::text IS NULL OR $6 = p.currency) AND coalesce($4, 0) >= 0
       RETURNING id`,
      [partnerId, name, input.stampsRequired, minimum?.minor ?? null, rewardId, minimum?.currency ?? null],
    );
    if (rows.length === 0) {
      throw new BusinessError(
        CommonErrorCode.INVALID_INPUT,
        'The reward must be a VOUCHER fulfilled by this partner, and the minimum in its currency',
        ['input', 'rewardId'],
      );
    }
    return (await queryRows<StampCardRow>(this.dataSource, `SELECT s.*, p.currency FROM ${CARDS} WHERE s.id = $1`, [rows[0].id]))[0];
  }

  /** A member's progress on each card it has stamps on; `partnerId` narrows to one partner's cards. */
  progress(
    memberId: string,
    partnerId: string | null,
  ): Promise<(StampCardRow & { stamps: number; owed: number; rewards_issued: number })[]> {
    return queryRows(
      this.dataSource,
      `SELECT s.*, p.currency, g.stamps, g.owed, g.rewards_issued FROM ${CARDS} JOIN stamp_progress g ON g.card_id = s.id
        WHERE g.member_id = $1 AND ($2::bigint IS NULL OR s.partner_id = $2) ORDER BY s.id`,
      [memberId, partnerId],
    );
  }
}
