import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DecimalScalar, DateTimeScalar } from '../common/scalars';
import { ConnectionType, Node, toGlobalId } from '../common/relay';
import { UserError } from '../common/user-error';
import { PartnerApiKeyEntity, PartnerContractEntity, PartnerEntity } from './partner.entity';

@ObjectType('Partner', { implements: Node, description: 'A merchant in the coalition.' })
export class Partner implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Partners in the same category are competitors.' }) category!: string;
  @Field(() => String, { description: 'ISO 4217 currency it trades and settles in.' }) currency!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  /** Database key, for field resolvers; not part of the schema. */
  localId!: string;
}

export function toPartner(entity: PartnerEntity): Partner {
  return Object.assign(new Partner(), {
    id: toGlobalId('Partner', entity.id),
    localId: entity.id,
    name: entity.name,
    category: entity.category,
    currency: entity.currency,
    createdAt: entity.createdAt,
  });
}

@ObjectType('PartnerContract', { description: 'The terms of a partner, effective from an instant until the next version.' })
export class PartnerContract {
  @Field(() => Int) version!: number;
  @Field(() => DateTimeScalar) effectiveFrom!: Date;
  @Field(() => DecimalScalar, { description: 'Points earned per 1.00 of currency.' }) pointsPerUnit!: string;
  @Field(() => DecimalScalar, { description: 'What the partner pays per point it issues.' }) issuancePricePerPoint!: string;
  @Field(() => DecimalScalar, { description: 'What the partner receives per point redeemed at it.' }) redemptionValuePerPoint!: string;
  @Field(() => DecimalScalar, { description: 'Share of gift-card value honoured that it receives.' }) giftCardReimbursementRate!: string;
  @Field(() => DecimalScalar, { description: 'Share of breakage on lots it funded that it receives.' }) breakageShare!: string;
}

export function toPartnerContract(entity: PartnerContractEntity): PartnerContract {
  const {
    version,
    effectiveFrom,
    pointsPerUnit,
    issuancePricePerPoint,
    redemptionValuePerPoint,
    giftCardReimbursementRate,
    breakageShare,
  } = entity;
  return Object.assign(new PartnerContract(), {
    version,
    effectiveFrom,
    pointsPerUnit,
    issuancePricePerPoint,
    redemptionValuePerPoint,
    giftCardReimbursementRate,
    breakageShare,
  });
}

@ObjectType('PartnerApiKey', { implements: Node, description: 'A partner API key. The key itself is shown only once, when created.' })
export class PartnerApiKey implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'First characters of the key, to tell keys apart.' }) prefix!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt!: Date | null;
}

export function toPartnerApiKey(entity: PartnerApiKeyEntity): PartnerApiKey {
  return Object.assign(new PartnerApiKey(), {
    id: toGlobalId('PartnerApiKey', entity.id),
    prefix: entity.keyPrefix,
    createdAt: entity.createdAt,
    revokedAt: entity.revokedAt,
  });
}

export const PartnerConnection = ConnectionType(Partner, 'Partner');

@ObjectType()
export class CreatePartnerPayload {
  @Field(() => Partner, { nullable: true }) partner!: Partner | null;
  @Field(() => String, { nullable: true, description: 'The partner’s first API key. Shown only here; store it now.' })
  apiKey!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class CreatePartnerApiKeyPayload {
  @Field(() => PartnerApiKey, { nullable: true }) partnerApiKey!: PartnerApiKey | null;
  @Field(() => String, { nullable: true, description: 'The new key. Shown only here; store it now.' }) apiKey!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RevokePartnerApiKeyPayload {
  @Field(() => PartnerApiKey, { nullable: true }) partnerApiKey!: PartnerApiKey | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class SetPartnerCategoryPayload {
  @Field(() => Partner, { nullable: true }) partner!: Partner | null;
  @Field(() => Int, { description: 'Rewards withdrawn because their sponsor and fulfiller now compete.' }) deactivatedRewards: number = 0;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class AddCompetitorsPayload {
  @Field(() => Int, { description: 'Rewards withdrawn because their sponsor and fulfiller now compete.' }) deactivatedRewards: number = 0;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class SetCategoryExclusivePayload {
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => Boolean, { nullable: true }) exclusive!: boolean | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class AmendPartnerContractPayload {
  @Field(() => PartnerContract, { nullable: true }) contract!: PartnerContract | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
