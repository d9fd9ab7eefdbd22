import { RfmSegment } from '../analytics/retention.types';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { MoneyInput } from '../common/money';
import { Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

export const PromotionKind = { MULTIPLIER: 'MULTIPLIER', FIXED_BONUS: 'FIXED_BONUS' } as const;
export type PromotionKind = (typeof PromotionKind)[keyof typeof PromotionKind];
registerEnumType(PromotionKind, {
  name: 'PromotionKind',
  valuesConfig: {
    MULTIPLIER: { description: 'Multiplies earned points; the best applicable multiplier wins, they never stack.' },
    FIXED_BONUS: { description: 'Adds a fixed number of points to each qualifying purchase; all applicable bonuses add.' },
  },
});

@ObjectType('Promotion', {
  implements: Node,
  description: 'A multiplier or fixed bonus, in a window, for a partner, a category or everyone.',
})
export class Promotion implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PromotionKind) kind!: PromotionKind;
  @Field(() => DecimalScalar, { nullable: true }) multiplier!: string | null;
  @Field(() => PointsScalar, { nullable: true }) bonusPoints!: bigint | null;
  @Field(() => String, { nullable: true, description: 'Category scope, when not partner-scoped.' }) category!: string | null;
  @Field(() => RfmSegment, { nullable: true, description: 'Only members in this segment at purchase time get it.' })
  segment!: RfmSegment | null;
  @Field(() => DateTimeScalar) startsAt!: Date;
  @Field(() => DateTimeScalar) endsAt!: Date;
  @Field(() => Boolean, { description: 'true when funded by the operator, false when by a partner.' }) operatorFunded!: boolean;
}

export interface PromotionRow {
  id: string;
  name: string;
  kind: PromotionKind;
  multiplier: string | null;
  bonus_points: string | null;
  category: string | null;
  segment: RfmSegment | null;
  funder_partner_id: string | null;
  starts_at: Date;
  ends_at: Date;
}

export function toPromotion(r: PromotionRow): Promotion {
  return Object.assign(new Promotion(), {
    id: toGlobalId('Promotion', r.id),
    name: r.name,
    kind: r.kind,
    multiplier: r.multiplier,
    bonusPoints: r.bonus_points === null ? null : BigInt(r.bonus_points),
    category: r.category,
    segment: r.segment,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    operatorFunded: r.funder_partner_id === null,
  });
}

@InputType()
export class CreatePromotionInput {
  @Field(() => String) name!: string;
  @Field(() => PromotionKind) kind!: PromotionKind;
  @Field(() => DecimalScalar, { nullable: true, description: 'MULTIPLIER: greater than 1, e.g. "2" for double points.' }) multiplier?:
    string | null;
  @Field(() => PointsScalar, { nullable: true, description: 'FIXED_BONUS: points added per qualifying purchase.' }) bonusPoints?:
    bigint | null;
  @Field(() => ID, { nullable: true, description: 'Limit to one partner (a partner creating a promotion is always limited to itself).' })
  partnerId?: string | null;
  @Field(() => String, { nullable: true, description: 'Limit to a category (appreciation days for all pharmacies, say).' }) category?:
    string | null;
  @Field(() => ID, { nullable: true, description: 'Who pays for the extra points: a partner, or the operator when empty.' })
  funderPartnerId?: string | null;
  @Field(() => MoneyInput, { nullable: true, description: "Minimum purchase, in the scoped partner's currency." })
  minimumPurchase?: MoneyInput | null;
  @Field(() => RfmSegment, {
    nullable: true,
    description: 'Only for members in this segment when they purchase (as of the last refreshSegments, run daily).',
  })
  segment?: RfmSegment | null;
  @Field(() => DateTimeScalar) startsAt!: Date;
  @Field(() => DateTimeScalar) endsAt!: Date;
}

@ObjectType()
export class CreatePromotionPayload {
  @Field(() => Promotion, { nullable: true }) promotion!: Promotion | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
