import { Field, Int, ObjectType } from 'type-graphql';
import { PointsScalar } from '../common/scalars';
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
