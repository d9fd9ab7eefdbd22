import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar } from '../common/scalars';

@InputType()
export class CreatePartnerInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'e.g. "pharmacy"; partners in one category are competitors.' }) category!: string;
  @Field(() => String, { description: 'ISO 4217 code the partner trades and settles in.' }) currency!: string;
  @Field(() => DecimalScalar, { description: 'Points earned per 1.00 of currency.' }) pointsPerUnit!: string;
  @Field(() => DecimalScalar, { description: 'What the partner pays per point it issues.' }) issuancePricePerPoint!: string;
  @Field(() => DecimalScalar, { description: 'What the partner receives per point redeemed at it.' }) redemptionValuePerPoint!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Share of gift-card value honoured that it receives (default 1).' })
  giftCardReimbursementRate?: string | null;
}

@InputType()
export class CreatePartnerApiKeyInput {
  @Field(() => ID) partnerId!: string;
}

@InputType()
export class RevokePartnerApiKeyInput {
  @Field(() => ID) apiKeyId!: string;
}

@InputType()
export class SetPartnerCategoryInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => String) category!: string;
}

@InputType()
export class SetCategoryExclusiveInput {
  @Field(() => String) category!: string;
  @Field(() => Boolean, { description: 'An exclusive category admits one active partner.' }) exclusive!: boolean;
}

@InputType()
export class AddCompetitorsInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => ID) competitorId!: string;
}

@InputType()
export class AmendPartnerContractInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Default now; never in the past.' }) effectiveFrom?: Date | null;
  @Field(() => DecimalScalar) pointsPerUnit!: string;
  @Field(() => DecimalScalar) issuancePricePerPoint!: string;
  @Field(() => DecimalScalar) redemptionValuePerPoint!: string;
  @Field(() => DecimalScalar, { nullable: true, description: 'Default 1.' }) giftCardReimbursementRate?: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'Share of breakage on lots it funded that it receives. Default 0.' })
  breakageShare?: string | null;
}
