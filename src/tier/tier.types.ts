import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

@ObjectType('Tier', { implements: Node, description: 'A status level reached with qualifying points in the rolling window.' })
export class Tier implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) minQualifyingPoints!: bigint;
  @Field(() => DecimalScalar, { description: 'Earn multiplier; the best of it and any promotion applies.' }) earnMultiplier!: string;
}

export interface TierRow {
  id: string;
  name: string;
  min_qualifying_points: string;
  earn_multiplier: string;
}

export function toTier(r: TierRow): Tier {
  return Object.assign(new Tier(), {
    id: toGlobalId('Tier', r.id),
    name: r.name,
    minQualifyingPoints: BigInt(r.min_qualifying_points),
    earnMultiplier: r.earn_multiplier,
  });
}

@ObjectType('MemberTier', { description: "A member's status: upgrades apply at once, downgrades at the monthly review." })
export class MemberTier {
  @Field(() => Tier, { nullable: true }) tier!: Tier | null;
  @Field(() => DateTimeScalar, { nullable: true }) since!: Date | null;
  @Field(() => PointsScalar, { description: 'Points earned net of returns in the rolling window.' }) qualifyingPoints!: bigint;
  @Field(() => Tier, { nullable: true }) nextTier!: Tier | null;
}

@InputType()
export class CreateTierInput {
  @Field(() => String) name!: string;
  @Field(() => PointsScalar) minQualifyingPoints!: bigint;
  @Field(() => DecimalScalar, { nullable: true, description: 'Default "1".' }) earnMultiplier?: string | null;
}

@ObjectType()
export class CreateTierPayload {
  @Field(() => Tier, { nullable: true }) tier!: Tier | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class ReviewTiersInput {
  @Field(() => DateTimeScalar) asOf!: Date;
}

@ObjectType()
export class ReviewTiersPayload {
  @Field(() => Int, { description: 'Members whose tier changed (up or down).' }) changed: number = 0;
  @Field(() => [UserError]) userErrors!: UserError[];
}
