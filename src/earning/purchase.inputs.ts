import { Field, InputType } from 'type-graphql';
import { MoneyInput } from '../common/money';

@InputType()
export class RecordPurchaseInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => MoneyInput, { description: "In the partner's currency." }) amount!: MoneyInput;
  @Field(() => String, { description: 'Your receipt or transaction number, unique at your store; returns quote it.' }) reference!: string;
  @Field(() => String, { description: 'Unique per caller; a retry with the same key and request has one effect.' }) idempotencyKey!: string;
}

@InputType()
export class RecordPurchasesInput {
  @Field(() => [RecordPurchaseInput], { description: 'Up to 1,000 purchases, each idempotent on its own key.' })
  purchases!: RecordPurchaseInput[];
}

@InputType()
export class RecordReturnInput {
  @Field(() => String, { description: 'The reference of the original purchase.' }) reference!: string;
  @Field(() => MoneyInput, { description: 'The amount returned now; several partial returns may follow.' }) amount!: MoneyInput;
  @Field(() => String) idempotencyKey!: string;
}
