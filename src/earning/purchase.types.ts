import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { Money, toMoney } from '../common/money';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { Transaction } from '../ledger/transaction.types';
import { Member } from '../member/member.types';

@ObjectType()
export class RecordPurchasePayload {
  @Field(() => Transaction, { nullable: true, description: 'The EARN transaction; null when the amount earns no base points.' })
  transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => PointsScalar, { nullable: true, description: 'All points the purchase earned: base, multiplier and fixed bonuses.' })
  pointsEarned!: bigint | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RecordPurchaseResult {
  @Field(() => Int, { description: 'Position of the purchase in the input list.' }) index!: number;
  @Field(() => Transaction, { nullable: true }) transaction!: Transaction | null;
  @Field(() => PointsScalar, { nullable: true }) pointsEarned!: bigint | null;
  @Field(() => [UserError], { description: 'Field paths are relative to this purchase, e.g. ["amount", "currency"].' })
  userErrors!: UserError[];
}

@ObjectType()
export class RecordPurchasesPayload {
  @Field(() => [RecordPurchaseResult], {
    description: 'One result per input purchase, in input order; empty when the batch itself was refused.',
  })
  results: RecordPurchaseResult[] = [];
  @Field(() => [UserError], { description: 'Errors about the batch as a whole (e.g. too many purchases).' }) userErrors!: UserError[];
}

@ObjectType()
export class RecordReturnPayload {
  @Field(() => Transaction, { nullable: true, description: 'The first RETURN transaction posted; null if no points were due back.' })
  transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => PointsScalar, { nullable: true, description: 'Points taken back by this return.' }) pointsReversed!: bigint | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType('PurchaseReturn', { description: 'One return against a purchase.' })
export class PurchaseReturn {
  @Field(() => Money) amount!: Money;
  @Field(() => PointsScalar, { description: 'Points this return took back.' }) points!: bigint;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType('Purchase', { implements: Node, description: 'A purchase as the partner recorded it, with its returns.' })
export class Purchase implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "The partner's own reference (unique at the partner)." }) reference!: string;
  @Field(() => String, { description: "The member's card number." }) cardNumber!: string;
  @Field(() => Money) amount!: Money;
  @Field(() => PointsScalar, { description: 'Points earned: base, multiplier and fixed bonuses.' }) points!: bigint;
  @Field(() => Money, { description: 'Sum of its returns so far.' }) returnedAmount!: Money;
  @Field(() => [PurchaseReturn], { description: 'Oldest first.' }) returns!: PurchaseReturn[];
  @Field(() => DateTimeScalar) createdAt!: Date;
}

export interface PurchaseRow {
  id: string;
  partner_id: string;
  reference: string;
  card_number: string;
  amount_minor: string;
  returned_minor: string;
  currency: string;
  points: string;
  created_at: Date;
  returns: { amount_minor: string; points: string; created_at: string }[];
}

export function toPurchase(r: PurchaseRow): Purchase {
  return Object.assign(new Purchase(), {
    id: toGlobalId('Purchase', r.id),
    reference: r.reference,
    cardNumber: r.card_number,
    amount: toMoney(r.amount_minor, r.currency),
    points: BigInt(r.points),
    returnedAmount: toMoney(r.returned_minor, r.currency),
    returns: r.returns.map((ret) =>
      Object.assign(new PurchaseReturn(), {
        amount: toMoney(ret.amount_minor, r.currency),
        points: BigInt(ret.points),
        createdAt: new Date(ret.created_at),
      }),
    ),
    createdAt: r.created_at,
  });
}

export const PurchaseConnection = ConnectionType(Purchase, 'Purchase');

@ArgsType()
export class PurchasesArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Only the purchase with this reference.' }) reference?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at or after this instant.' }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded before this instant.' }) to?: Date | null;
}
