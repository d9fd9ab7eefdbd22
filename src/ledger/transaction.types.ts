import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { LedgerEntryEntity } from './ledger-entry.entity';

/** What a movement of a member's points was, as the member sees it. Every ledger entry carries one. */
export const TransactionKind = {
  EARN: 'EARN',
  RETURN: 'RETURN',
  REDEEM: 'REDEEM',
  EXPIRE: 'EXPIRE',
  MILES_TRANSFER: 'MILES_TRANSFER',
  ADJUSTMENT: 'ADJUSTMENT',
  BONUS: 'BONUS',
} as const;
export type TransactionKind = (typeof TransactionKind)[keyof typeof TransactionKind];
registerEnumType(TransactionKind, { name: 'TransactionKind' });

@ObjectType('Transaction', { implements: Node, description: "A movement of a member's spendable points." })
export class Transaction implements Node {
  @Field(() => ID) id!: string;
  @Field(() => TransactionKind) kind!: TransactionKind;
  @Field(() => PointsScalar, { description: "Signed, from the member's view: positive adds to the balance." }) points!: bigint;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Why, for adjustments and goodwill.' }) reason!: string | null;
  @Field(() => String, { nullable: true, description: "The partner's reference, e.g. its receipt number." }) reference!: string | null;
  /** The partner involved, resolved by a field resolver. */
  partnerId!: string | null;
}

export function toTransaction(entry: LedgerEntryEntity): Transaction {
  if (!(entry.kind in TransactionKind)) throw new Error(`ledger entry ${entry.id} has unknown kind ${entry.kind}`);
  return Object.assign(new Transaction(), {
    id: toGlobalId('Transaction', entry.id),
    kind: entry.kind as TransactionKind,
    points: BigInt(entry.memberPoints),
    createdAt: entry.createdAt,
    reason: entry.reason,
    reference: entry.reference,
    partnerId: entry.partnerId,
  });
}

export const TransactionConnection = ConnectionType(Transaction, 'Transaction');
