import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

@ObjectType('CoalitionSettings', { description: 'Rules the whole coalition shares.' })
export class CoalitionSettings {
  @Field(() => String, { description: 'IANA zone in which expiry dates and birthdays are computed.' }) timeZone!: string;
  @Field(() => Int, { description: 'Points expire at the end of the earning day, this many months later.' }) expiryMonths!: number;
  @Field(() => PointsScalar) birthdayBonusPoints!: bigint;
  @Field(() => PointsScalar, { description: "Paid to both members on the referee's first purchase." }) referralBonusPoints!: bigint;
  @Field(() => Int, { description: 'Rolling window of qualifying points for tiers.' }) tierWindowDays!: number;
  @Field(() => Int) giftCardValidityMonths!: number;
  @Field(() => Int, { description: 'How long a miles transfer waits for the airline before the points return.' }) milesHoldMinutes!: number;
  @Field(() => Int) giftCardAttemptsPerMinute!: number;
}

@InputType()
export class UpdateCoalitionSettingsInput {
  @Field(() => String, { nullable: true }) timeZone?: string | null;
  @Field(() => Int, { nullable: true }) expiryMonths?: number | null;
  @Field(() => PointsScalar, { nullable: true }) birthdayBonusPoints?: bigint | null;
  @Field(() => PointsScalar, { nullable: true }) referralBonusPoints?: bigint | null;
  @Field(() => Int, { nullable: true }) tierWindowDays?: number | null;
  @Field(() => Int, { nullable: true }) giftCardValidityMonths?: number | null;
  @Field(() => Int, { nullable: true }) milesHoldMinutes?: number | null;
  @Field(() => Int, { nullable: true }) giftCardAttemptsPerMinute?: number | null;
}

@ObjectType()
export class UpdateCoalitionSettingsPayload {
  @Field(() => CoalitionSettings, { nullable: true }) settings!: CoalitionSettings | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
