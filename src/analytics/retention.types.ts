import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../common/money';
import { ConnectionType } from '../common/relay';
import { DateTimeScalar, DecimalScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

/** The segments of coalition_rfm (migrations/1795915000000-retention-segments.ts), in the order it tests them. */
export const RfmSegment = {
  NEW: 'NEW',
  CHAMPIONS: 'CHAMPIONS',
  LOYAL: 'LOYAL',
  PROMISING: 'PROMISING',
  AT_RISK: 'AT_RISK',
  HIBERNATING: 'HIBERNATING',
} as const;
export type RfmSegment = (typeof RfmSegment)[keyof typeof RfmSegment];
registerEnumType(RfmSegment, {
  name: 'RfmSegment',
  description: 'R, F, M: recency, frequency and monetary quintiles (1–5, 5 best); the first rule that matches names the segment.',
  valuesConfig: {
    NEW: { description: 'First purchase within the last 30 days.' },
    CHAMPIONS: { description: 'R ≥ 4, F ≥ 4 and M ≥ 4.' },
    LOYAL: { description: 'R ≥ 3 and F ≥ 3.' },
    PROMISING: { description: 'R ≥ 3 (recent, not yet frequent).' },
    AT_RISK: { description: 'R ≤ 2 and F ≥ 3: bought often, not lately.' },
    HIBERNATING: { description: 'R ≤ 2 and F ≤ 2.' },
  },
});

@ObjectType({ description: 'Purchasers in the last `days` days before `asOf`.' })
export class RetentionWindow {
  @Field(() => Int) days!: number;
  @Field(() => Int, { description: 'Members with at least one purchase in the window.' }) activeMembers!: number;
  @Field(() => Int, { description: 'Members with at least two purchases in the window.' }) repeatPurchasers!: number;
  @Field(() => DecimalScalar, { description: 'repeatPurchasers ÷ activeMembers, 4 decimals ("0" without purchasers).' })
  repeatPurchaseRate!: string;
}

@ObjectType({ description: 'Members enrolled in one month and how many of them purchased in each month since.' })
export class RetentionCohort {
  @Field(() => String, { description: 'Enrolment month, YYYY-MM in the coalition’s time zone.' }) month!: string;
  @Field(() => Int) size!: number;
  @Field(() => [Int], {
    description: 'Members of the cohort with a purchase in its month k (k = 0: the enrolment month), up to asOf’s month.',
  })
  active!: number[];
  @Field(() => [DecimalScalar], { description: 'active[k] ÷ size, 4 decimals.' }) retention!: string[];
}

@ObjectType()
export class RfmSegmentCount {
  @Field(() => RfmSegment) segment!: RfmSegment;
  @Field(() => Int) members!: number;
  @Field(() => [Money], { description: 'What its members spent (net of returns), one amount per currency.' }) spend!: Money[];
}

@ObjectType({
  description: 'Retention figures of the coalition or of one partner’s members (those who purchased at it), as of an instant.',
})
export class RetentionReport {
  @Field(() => DateTimeScalar) asOf!: Date;
  @Field(() => [RetentionWindow], { description: 'The last 30 and 90 days.' }) windows!: RetentionWindow[];
  @Field(() => [RetentionCohort], { description: 'Enrolment cohorts, oldest first.' }) cohorts!: RetentionCohort[];
  @Field(() => [RfmSegmentCount], { description: 'Every segment, empty ones included.' }) segments!: RfmSegmentCount[];
  @Field(() => Int) atRiskDays!: number;
  @Field(() => Int, { description: 'Members whose last purchase was more than atRiskDays but at most atRiskDays + 90 days ago.' })
  atRiskMembers!: number;
}

@ObjectType({ description: 'An at-risk member who agreed to marketing. A partner gets the card number and first name only.' })
export class AtRiskMember {
  @Field(() => String) cardNumber!: string;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true, description: 'Operator only; null for a partner.' }) email!: string | null;
  @Field(() => DateTimeScalar) lastPurchaseAt!: Date;
}

export const AtRiskMemberConnection = ConnectionType(AtRiskMember, 'AtRiskMember');

@ObjectType()
export class RefreshSegmentsPayload {
  @Field(() => Int, { nullable: true, description: 'Members segmented.' }) members!: number | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
