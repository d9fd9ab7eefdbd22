import DataLoader from 'dataloader';
import { DataSource, Repository } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { parseMoney } from '../common/money';
import { applyIdKeyset, localIdOf, PageWindow } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, requireIdempotencyKey, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { byIdLoader } from '../database/loaders';
import { newGiftCardCode } from '../gift-card/gift-card.service';
import { callLedgerFunction } from '../ledger/ledger-call';
import { normalizeCardNumber } from '../member/member.service';
import { PartnerEntity } from '../partner/partner.entity';
import { unknownPartner } from '../partner/partner.errors';
import { RedemptionEntity, RewardEntity, VoucherEntity } from './reward.entity';
import { competitorNotAllowed } from './reward.errors';
import type { CreateRewardInput, RedeemRewardInput } from './reward.types';

export interface RewardLoaders {
  reward: DataLoader<string, RewardEntity | null>;
}

export class RewardService {
  private readonly rewards: Repository<RewardEntity>;
  private readonly redemptions: Repository<RedemptionEntity>;
  private readonly vouchers: Repository<VoucherEntity>;
  private readonly partners: Repository<PartnerEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rewards = dataSource.getRepository(RewardEntity);
    this.redemptions = dataSource.getRepository(RedemptionEntity);
    this.vouchers = dataSource.getRepository(VoucherEntity);
    this.partners = dataSource.getRepository(PartnerEntity);
  }

  /** Adds a reward to the catalogue; a sponsor that competes with the fulfiller is refused. */
  async create(input: CreateRewardInput): Promise<RewardEntity> {
    const name = input.name.trim();
    new Validation()
      .text(name, ['input', 'name'], NAME_TEXT)
      .points(input.pointsCost, ['input', 'pointsCost'])
      .check(
        (input.kind === 'GIFT_CARD') === (input.giftCardValue != null),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'giftCardValue'],
        'giftCardValue is required for GIFT_CARD rewards and not allowed for VOUCHER rewards',
      )
      .throwIfAny();
    const fulfiller = await this.partnerOf(input.fulfilledBy, ['input', 'fulfilledBy']);
    const sponsor = input.sponsoredBy ? await this.partnerOf(input.sponsoredBy, ['input', 'sponsoredBy']) : fulfiller;
    const giftCard = input.giftCardValue ? parseMoney(input.giftCardValue, ['input', 'giftCardValue'], { positive: true }) : null;
    if (giftCard && giftCard.currency !== fulfiller.currency) {
      throw new BusinessError(CommonErrorCode.CURRENCY_MISMATCH, `Gift cards of ${fulfiller.name} hold ${fulfiller.currency}`, [
        'input',
        'giftCardValue',
        'currency',
      ]);
    }
    const contribution = input.sponsorContribution
      ? parseMoney(input.sponsorContribution, ['input', 'sponsorContribution'])
      : { minor: 0n, currency: sponsor.currency };
    if (contribution.currency !== sponsor.currency) {
      throw new BusinessError(CommonErrorCode.CURRENCY_MISMATCH, `${sponsor.name} settles in ${sponsor.currency}`, [
        'input',
        'sponsorContribution',
        'currency',
      ]);
    }
    if (contribution.minor < 0n || (contribution.minor > 0n && sponsor.id === fulfiller.id)) {
      throw new BusinessError(
        CommonErrorCode.INVALID_AMOUNT,
        'sponsorContribution must be zero or more, and zero when the sponsor fulfils the reward itself',
        ['input', 'sponsorContribution', 'amount'],
      );
    }
    // The competitor rule is checked in the inserting statement itself.
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO rewards (name, kind, points_cost, fulfilled_by, sponsored_by, currency, gift_card_value_minor,
                            sponsor_contribution_minor, sponsor_currency)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT partners_compete($4, $5) RETURNING id`,
      [
        name,
        input.kind,
        input.pointsCost,
        fulfiller.id,
        sponsor.id,
        fulfiller.currency,
        giftCard?.minor ?? null,
        contribution.minor,
        sponsor.currency,
      ],
    );
    if (rows.length === 0) throw competitorNotAllowed();
    return this.rewards.findOneByOrFail({ id: rows[0].id });
  }

  /** Spends a member's points on a reward: by the member's own token, or at the fulfilling partner's till. */
  async redeem(
    principal: Principal,
    input: RedeemRewardInput,
  ): Promise<{ redemption: RedemptionEntity; giftCardCode: string | null; giftCardId: string | null }> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const card = cardFor(principal, input.cardNumber);
    const rewardId = localIdOf(input.rewardId, 'Reward');
    if (!rewardId) throw new BusinessError('UNKNOWN_REWARD', 'No such reward', ['input', 'rewardId']);
    const giftCard = newGiftCardCode();
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_redeem_reward',
      { scope: principalRef(principal), key, request: { rewardId, card } },
      [rewardId, card, principal.kind === 'PARTNER' ? principal.partnerId : null, giftCard.hash, principalRef(principal)],
    );
    const giftCardId = (r.giftCardId as string | null) ?? null;
    return {
      redemption: await this.redemptions.findOneByOrFail({ id: String(r.redemptionId) }),
      // Shown once: a replay of the same request answers the card without its code.
      giftCardCode: giftCardId && !r.replayed ? giftCard.code : null,
      giftCardId,
    };
  }

  async useVoucher(principal: Extract<Principal, { kind: 'PARTNER' }>, code: string): Promise<VoucherEntity> {
    const [{ result }] = await queryRows<{ result: { voucherId: string } }>(
      this.dataSource,
      'SELECT coalition_use_voucher($1, $2, $3) AS result',
      [code.trim().toUpperCase(), principal.partnerId, principalRef(principal)],
    );
    return this.vouchers.findOneByOrFail({ id: result.voucherId });
  }

  listActive(window: PageWindow): Promise<RewardEntity[]> {
    return applyIdKeyset(this.rewards.createQueryBuilder('r').where('r.active'), 'r.id', window).getMany();
  }

  findRedemption(id: string): Promise<RedemptionEntity | null> {
    return this.redemptions.findOneBy({ id });
  }

  findVoucher(id: string): Promise<VoucherEntity | null> {
    return this.vouchers.findOneBy({ id });
  }

  findVoucherOfRedemption(redemptionId: string): Promise<VoucherEntity | null> {
    return this.vouchers.findOneBy({ redemptionId });
  }

  /** A member's vouchers, newest first; `partnerId` narrows to those honoured at one partner. */
  listVouchers(memberId: string, partnerId: string | null): Promise<VoucherEntity[]> {
    return this.vouchers.find({ where: { memberId, ...(partnerId ? { partnerId } : {}) }, order: { id: 'DESC' }, take: 100 });
  }

  createLoaders(): RewardLoaders {
    return {
      reward: byIdLoader(this.rewards),
    };
  }

  private async partnerOf(globalId: string, field: string[]): Promise<PartnerEntity> {
    const id = localIdOf(globalId, 'Partner');
    const partner = id ? await this.partners.findOneBy({ id }) : null;
    if (!partner) throw unknownPartner(field);
    return partner;
  }
}

/** The card a redemption is for: a member's own (naming another is NOT_ALLOWED), or the one a till names. */
function cardFor(principal: Principal, cardNumber: string | null | undefined): string {
  if (principal.kind === 'MEMBER') {
    if (cardNumber != null && normalizeCardNumber(cardNumber) !== principal.cardNumber) {
      throw new BusinessError(CommonErrorCode.NOT_ALLOWED, 'A member may redeem only for its own card', ['input', 'cardNumber']);
    }
    return principal.cardNumber;
  }
  if (cardNumber == null)
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'cardNumber is required at a till', ['input', 'cardNumber']);
  return normalizeCardNumber(cardNumber);
}
