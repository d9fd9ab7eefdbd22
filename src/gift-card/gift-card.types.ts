import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Money, MoneyInput, toMoney } from '../common/money';
import { Node, toGlobalId } from '../common/relay';
import { DateTimeScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { GiftCardEntity } from './gift-card.entity';

@ObjectType('GiftCard', { implements: Node, description: "Stored value in the issuing partner's currency, spendable only there." })
export class GiftCard implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'The code, shown only in the answer that issued the card; stored only as a hash.' })
  code!: string | null;
  @Field(() => Money) balance!: Money;
  @Field(() => Money) initialValue!: Money;
  @Field(() => DateTimeScalar) expiresAt!: Date;
  partnerId!: string;
  memberId!: string;
}

export function toGiftCard(entity: GiftCardEntity, code: string | null = null): GiftCard {
  return Object.assign(new GiftCard(), {
    id: toGlobalId('GiftCard', entity.id),
    code,
    balance: toMoney(entity.balanceMinor, entity.currency),
    initialValue: toMoney(entity.initialMinor, entity.currency),
    expiresAt: entity.expiresAt,
    partnerId: entity.partnerId,
    memberId: entity.memberId,
  });
}

@InputType()
export class RedeemGiftCardInput {
  @Field(() => String, { description: 'As printed; spaces, dashes and case do not matter.' }) code!: string;
  @Field(() => MoneyInput) amount!: MoneyInput;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class RedeemGiftCardPayload {
  @Field(() => GiftCard, { nullable: true }) giftCard!: GiftCard | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
