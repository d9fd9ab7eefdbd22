import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Money, MoneyInput, toMoney } from '../common/money';
import { Node, toGlobalId } from '../common/relay';
import { UserError } from '../common/user-error';

@ObjectType('StampCard', { implements: Node, description: 'Every Nth qualifying purchase at a partner earns a voucher reward.' })
export class StampCard implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Int) stampsRequired!: number;
  @Field(() => Money, { description: 'Smallest purchase that earns a stamp.' }) minimumPurchase!: Money;
  partnerId!: string;
  rewardId!: string;
}

export interface StampCardRow {
  id: string;
  partner_id: string;
  name: string;
  stamps_required: number;
  min_amount_minor: string;
  reward_id: string;
  currency: string;
}

export function toStampCard(r: StampCardRow): StampCard {
  return Object.assign(new StampCard(), {
    id: toGlobalId('StampCard', r.id),
    name: r.name,
    stampsRequired: r.stamps_required,
    minimumPurchase: toMoney(r.min_amount_minor, r.currency),
    partnerId: r.partner_id,
    rewardId: r.reward_id,
  });
}

@ObjectType('StampCardProgress', { description: "A member's progress on a stamp card." })
export class StampCardProgress {
  @Field(() => StampCard) card!: StampCard;
  @Field(() => Int, { description: 'Stamps on the current card.' }) stamps!: number;
  @Field(() => Int, {
    description: 'Stamps taken back by returns after their reward was issued; the next qualifying purchases pay them first.',
  })
  owed!: number;
  @Field(() => Int) rewardsIssued!: number;
}

@InputType()
export class CreateStampCardInput {
  @Field(() => ID, { nullable: true, description: 'Operator: the partner. A partner creates cards for itself.' }) partnerId?: string | null;
  @Field(() => String) name!: string;
  @Field(() => Int) stampsRequired!: number;
  @Field(() => MoneyInput, { nullable: true }) minimumPurchase?: MoneyInput | null;
  @Field(() => ID, { description: 'A VOUCHER reward fulfilled by the same partner.' }) rewardId!: string;
}

@ObjectType()
export class CreateStampCardPayload {
  @Field(() => StampCard, { nullable: true }) stampCard!: StampCard | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
