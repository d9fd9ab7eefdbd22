import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { Transaction } from '../ledger/transaction.types';
import { Member } from '../member/member.types';

export const ActivityCapPeriod = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const;
export type ActivityCapPeriod = (typeof ActivityCapPeriod)[keyof typeof ActivityCapPeriod];
registerEnumType(ActivityCapPeriod, {
  name: 'ActivityCapPeriod',
  description: "A calendar period in the coalition's time zone (WEEK: Monday to Sunday).",
});

export interface ActivityRuleRow {
  id: string;
  code: string;
  name: string;
  points: string;
  cap_count: number | null;
  cap_period: ActivityCapPeriod | null;
  starts_at: Date;
  ends_at: Date | null;
  funder_partner_id: string | null;
  active: boolean;
}

@ObjectType('ActivityRule', { implements: Node, description: 'Points for a customer action (a review, an app check-in …).' })
export class ActivityRule implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'What a partner reports, e.g. REVIEW.' }) code!: string;
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => Int, { nullable: true, description: 'Credits per member per capPeriod; null: no cap.' }) capCount!: number | null;
  @Field(() => ActivityCapPeriod, { nullable: true }) capPeriod!: ActivityCapPeriod | null;
  @Field(() => DateTimeScalar) startsAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) endsAt!: Date | null;
  @Field(() => Boolean) active!: boolean;
  /** The funding partner, resolved by a field resolver (null: the operator). */
  funderId!: string | null;
}

export function toActivityRule(row: ActivityRuleRow): ActivityRule {
  return Object.assign(new ActivityRule(), {
    id: toGlobalId('ActivityRule', row.id),
    code: row.code,
    name: row.name,
    points: BigInt(row.points),
    capCount: row.cap_count,
    capPeriod: row.cap_period,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    active: row.active,
    funderId: row.funder_partner_id,
  });
}

export const ActivityRuleConnection = ConnectionType(ActivityRule, 'ActivityRule');

@ArgsType()
export class ActivityRulesArgs extends ConnectionArgs {}

@InputType()
export class CreateActivityRuleInput {
  @Field(() => String, { description: 'Unique in the coalition: an upper-case letter, then 1 to 39 of A–Z, 0–9, _.' }) code!: string;
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => Int, { nullable: true, description: 'At most this many credits per member per capPeriod.' }) capCount?: number | null;
  @Field(() => ActivityCapPeriod, { nullable: true }) capPeriod?: ActivityCapPeriod | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Default: now.' }) startsAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Exclusive; default: open-ended.' }) endsAt?: Date | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The partner paying for the points (operator only; a partner always funds its own rules). Empty: the operator.',
  })
  funderPartnerId?: string | null;
}

@ObjectType()
export class ActivityRulePayload {
  @Field(() => ActivityRule, { nullable: true }) activityRule!: ActivityRule | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class SetActivityRuleActiveInput {
  @Field(() => ID) ruleId!: string;
  @Field(() => Boolean) active!: boolean;
}

@InputType()
export class RecordActivityInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => String, { description: "The rule's code, e.g. REVIEW." }) code!: string;
  @Field(() => String, { description: "The reporter's reference of the activity (the review's ID …), shown in the history." })
  reference!: string;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class RecordActivityPayload {
  @Field(() => Transaction, { nullable: true }) transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
