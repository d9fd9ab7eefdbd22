import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { Money } from '../common/money';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { Member } from '../member/member.types';

export interface DonationRow {
  id: string;
  member_id: string;
  charity_id: string;
  points: string;
  /** Rounded half away from zero to the currency's decimals (the settlement item stays exact). */
  value: string;
  currency: string;
  created_at: Date;
}

@ObjectType('Donation', { implements: Node, description: 'Points a member gave to a charity partner.' })
export class Donation implements Node {
  @Field(() => ID) id!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => Money, { description: 'What the charity receives: points × its redemption value per point (rounded for display).' })
  value!: Money;
  @Field(() => DateTimeScalar) createdAt!: Date;
  charityId!: string;
}

export function toDonation(row: DonationRow): Donation {
  return Object.assign(new Donation(), {
    id: toGlobalId('Donation', row.id),
    points: BigInt(row.points),
    value: Object.assign(new Money(), { amount: row.value, currency: row.currency.trim() }),
    createdAt: row.created_at,
    charityId: row.charity_id,
  });
}

export const DonationConnection = ConnectionType(Donation, 'Donation');

@ArgsType()
export class DonationsArgs extends ConnectionArgs {}

@ObjectType('Charity', { description: 'A partner in the charity category: members can donate points to it.' })
export class Charity {
  @Field(() => ID, { description: 'The partner’s ID.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar, { description: 'What one donated point is worth to it, in its currency.' }) valuePerPoint!: string;
}

@InputType()
export class DonatePointsInput {
  @Field(() => ID, { description: 'A Charity (partner) ID.' }) charityId!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class DonatePointsPayload {
  @Field(() => Donation, { nullable: true }) donation!: Donation | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
