import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { Node } from '../common/relay';
import { UserError } from '../common/user-error';
import { Transaction } from '../ledger/transaction.types';
import { Member } from '../member/member.types';

@InputType()
export class GrantGoodwillInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => String, { description: 'Required: why (service recovery, a late delivery …). Shown to the member.' }) reason!: string;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class GrantGoodwillPayload {
  @Field(() => Transaction, { nullable: true }) transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType('Survey', { implements: Node, description: 'A feedback survey that pays points once per member.' })
export class Survey implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) points!: bigint;
}

@InputType()
export class CreateSurveyInput {
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => ID, { nullable: true, description: 'The partner paying for the points; the operator when empty.' }) funderPartnerId?:
    string | null;
}

@ObjectType()
export class CreateSurveyPayload {
  @Field(() => Survey, { nullable: true }) survey!: Survey | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class SurveyAnswerInput {
  @Field(() => String) question!: string;
  @Field(() => String) answer!: string;
}

@InputType()
export class SubmitSurveyInput {
  @Field(() => ID) surveyId!: string;
  @Field(() => [SurveyAnswerInput]) answers!: SurveyAnswerInput[];
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class SubmitSurveyPayload {
  @Field(() => Transaction, { nullable: true }) transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class GrantBirthdayBonusesInput {
  @Field(() => DateTimeScalar, {
    description: "The day whose birthdays are celebrated (in the coalition's time zone). Runs daily on its own.",
  })
  asOf!: Date;
}

@ObjectType()
export class GrantBirthdayBonusesPayload {
  @Field(() => Int, { description: 'Members who received the bonus now (0 when run again for the same day).' }) granted: number = 0;
  @Field(() => [UserError]) userErrors!: UserError[];
}
