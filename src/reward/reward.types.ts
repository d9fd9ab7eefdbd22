import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Money, MoneyInput, toMoney } from '../common/money';
import { ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { GiftCard } from '../gift-card/gift-card.types';
import { Member } from '../member/member.types';
import { RedemptionEntity, RewardEntity, VoucherEntity } from './reward.entity';

export const RewardKind = { VOUCHER: 'VOUCHER', GIFT_CARD: 'GIFT_CARD' } as const;
export type RewardKind = (typeof RewardKind)[keyof typeof RewardKind];
registerEnumType(RewardKind, {
  name: 'RewardKind',
  valuesConfig: {
    VOUCHER: { description: "A voucher or product honoured at the fulfilling partner's till." },
    GIFT_CARD: { description: 'Stored value spendable at the fulfilling partner.' },
  },
});

@ObjectType('Reward', { implements: Node, description: 'An item of the catalogue, bought with points.' })
export class Reward implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RewardKind) kind!: RewardKind;
  @Field(() => PointsScalar) pointsCost!: bigint;
  @Field(() => Money, { nullable: true, description: 'For GIFT_CARD rewards: the value of each card.' }) giftCardValue!: Money | null;
  @Field(() => Money, { description: 'What the sponsor pays per redemption (billed as SPONSORSHIP).' }) sponsorContribution!: Money;
  @Field(() => Boolean, { description: 'false once withdrawn, e.g. when its sponsor and fulfiller became competitors.' }) active!: boolean;
  @Field(() => String, { nullable: true }) deactivatedReason!: string | null;
  localId!: string;
  fulfilledById!: string;
  sponsoredById!: string;
}

export function toReward(e: RewardEntity): Reward {
  return Object.assign(new Reward(), {
    id: toGlobalId('Reward', e.id),
    localId: e.id,
    name: e.name,
    kind: e.kind,
    pointsCost: BigInt(e.pointsCost),
    giftCardValue: e.giftCardValueMinor === null ? null : toMoney(e.giftCardValueMinor, e.currency),
    sponsorContribution: toMoney(e.sponsorContributionMinor, e.sponsorCurrency),
    active: e.active,
    deactivatedReason: e.deactivatedReason,
    fulfilledById: e.fulfilledBy,
    sponsoredById: e.sponsoredBy,
  });
}

export const RewardConnection = ConnectionType(Reward, 'Reward');

@ObjectType('Voucher', {
  implements: Node,
  description: 'Proof of a VOUCHER redemption; the fulfilling partner marks it used at its till.',
})
export class Voucher implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'What the till scans or types.' }) code!: string;
  @Field(() => DateTimeScalar, { nullable: true }) usedAt!: Date | null;
  @Field(() => DateTimeScalar) issuedAt!: Date;
  redemptionId!: string;
  partnerId!: string;
  memberId!: string;
}

export function toVoucher(e: VoucherEntity): Voucher {
  return Object.assign(new Voucher(), {
    id: toGlobalId('Voucher', e.id),
    code: e.code,
    usedAt: e.usedAt,
    issuedAt: e.createdAt,
    redemptionId: e.redemptionId,
    partnerId: e.partnerId,
    memberId: e.memberId,
  });
}

@ObjectType('Redemption', { implements: Node, description: 'Points spent on a reward (or a reward earned on a stamp card, for 0 points).' })
export class Redemption implements Node {
  @Field(() => ID) id!: string;
  @Field(() => PointsScalar) pointsSpent!: bigint;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => GiftCard, { nullable: true, description: 'For a GIFT_CARD reward; its code is shown only in the redeeming answer.' })
  giftCard!: GiftCard | null;
  localId!: string;
  rewardId!: string;
  memberId!: string;
}

export function toRedemption(e: RedemptionEntity, giftCard: GiftCard | null): Redemption {
  return Object.assign(new Redemption(), {
    id: toGlobalId('Redemption', e.id),
    localId: e.id,
    pointsSpent: BigInt(e.points),
    createdAt: e.createdAt,
    giftCard,
    rewardId: e.rewardId,
    memberId: e.memberId,
  });
}

@InputType()
export class CreateRewardInput {
  @Field(() => String) name!: string;
  @Field(() => RewardKind) kind!: RewardKind;
  @Field(() => PointsScalar) pointsCost!: bigint;
  @Field(() => ID, { description: 'The partner that honours it.' }) fulfilledBy!: string;
  @Field(() => ID, {
    nullable: true,
    description: 'The partner that offers it; must not compete with the fulfiller. Default: the fulfiller.',
  })
  sponsoredBy?: string | null;
  @Field(() => MoneyInput, { nullable: true, description: "GIFT_CARD only: the card value, in the fulfiller's currency." })
  giftCardValue?: MoneyInput | null;
  @Field(() => MoneyInput, { nullable: true, description: "Paid by the sponsor per redemption, in the sponsor's currency (default zero)." })
  sponsorContribution?: MoneyInput | null;
}

@InputType()
export class RedeemRewardInput {
  @Field(() => ID) rewardId!: string;
  @Field(() => String, { nullable: true, description: "Required when a partner redeems at its till; a member's token names its own card." })
  cardNumber?: string | null;
  @Field(() => String) idempotencyKey!: string;
}

@InputType()
export class UseVoucherInput {
  @Field(() => String) code!: string;
}

@ObjectType()
export class CreateRewardPayload {
  @Field(() => Reward, { nullable: true }) reward!: Reward | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RedeemRewardPayload {
  @Field(() => Redemption, { nullable: true }) redemption!: Redemption | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UseVoucherPayload {
  @Field(() => Voucher, { nullable: true }) voucher!: Voucher | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
