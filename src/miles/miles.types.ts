import { ArgsType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { Member } from '../member/member.types';

export const MilesDirection = { TO_MILES: 'TO_MILES', TO_POINTS: 'TO_POINTS' } as const;
export type MilesDirection = (typeof MilesDirection)[keyof typeof MilesDirection];
registerEnumType(MilesDirection, { name: 'MilesDirection' });

export const MilesTransferStatus = {
  PENDING: 'PENDING',
  CONFIRMED: 'CONFIRMED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  COMPLETED: 'COMPLETED',
} as const;
export type MilesTransferStatus = (typeof MilesTransferStatus)[keyof typeof MilesTransferStatus];
registerEnumType(MilesTransferStatus, {
  name: 'MilesTransferStatus',
  valuesConfig: {
    PENDING: { description: 'Points held, waiting for the airline.' },
    CONFIRMED: { description: 'The airline credited the miles; the points are gone.' },
    REJECTED: { description: 'The airline refused; the points came back.' },
    EXPIRED: {
      description:
        'The airline did not answer in time: it can no longer confirm, and the points come back (at once, or at the next hold sweep).',
    },
    COMPLETED: { description: 'Miles converted into points (inbound).' },
  },
});

@ObjectType('MilesTransfer', { implements: Node })
export class MilesTransfer implements Node {
  @Field(() => ID) id!: string;
  @Field(() => MilesDirection) direction!: MilesDirection;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => PointsScalar, { description: 'Miles, a whole number like points.' }) miles!: bigint;
  @Field(() => MilesTransferStatus) status!: MilesTransferStatus;
  @Field(() => String, { nullable: true }) frequentFlyerNumber!: string | null;
  @Field(() => String, { nullable: true }) airlineReference!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  airlineId!: string;
  memberId!: string;
}

export interface MilesTransferRow {
  id: string;
  member_id: string;
  airline_id: string;
  direction: MilesDirection;
  points: string;
  miles: string;
  status: MilesTransferStatus;
  frequent_flyer_number: string | null;
  airline_reference: string | null;
  created_at: Date;
}

export function toMilesTransfer(r: MilesTransferRow): MilesTransfer {
  return Object.assign(new MilesTransfer(), {
    id: toGlobalId('MilesTransfer', r.id),
    direction: r.direction,
    points: BigInt(r.points),
    miles: BigInt(r.miles),
    status: r.status,
    frequentFlyerNumber: r.frequent_flyer_number,
    airlineReference: r.airline_reference,
    createdAt: r.created_at,
    airlineId: r.airline_id,
    memberId: r.member_id,
  });
}

export const MilesTransferConnection = ConnectionType(MilesTransfer, 'MilesTransfer');

@ArgsType()
export class MilesTransfersArgs extends ConnectionArgs {
  @Field(() => MilesTransferStatus, { nullable: true, description: 'PENDING: what the airline still has to confirm or reject.' })
  status?: MilesTransferStatus | null;
}

@ObjectType('MilesRatio', { description: "An airline's conversion ratio in force: this many points are worth this many miles." })
export class MilesRatio {
  @Field(() => MilesDirection) direction!: MilesDirection;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => PointsScalar, { description: 'Rounded down for the member.' }) miles!: bigint;
  @Field(() => PointsScalar, { description: 'Smallest transfer, in points (TO_MILES) or miles (TO_POINTS).' }) minimum!: bigint;
  @Field(() => DateTimeScalar) effectiveFrom!: Date;
  airlineId!: string;
}

export interface MilesRatioRow {
  airline_id: string;
  direction: MilesDirection;
  points: string;
  miles: string;
  minimum: string;
  effective_from: Date;
}

export function toMilesRatio(r: MilesRatioRow): MilesRatio {
  return Object.assign(new MilesRatio(), {
    direction: r.direction,
    points: BigInt(r.points),
    miles: BigInt(r.miles),
    minimum: BigInt(r.minimum),
    effectiveFrom: r.effective_from,
    airlineId: r.airline_id,
  });
}

@InputType()
export class SetMilesRatioInput {
  @Field(() => ID) airlineId!: string;
  @Field(() => MilesDirection) direction!: MilesDirection;
  @Field(() => PointsScalar, { description: 'This many points …' }) points!: bigint;
  @Field(() => PointsScalar, { description: '… are worth this many miles (rounded down for the member).' }) miles!: bigint;
  @Field(() => PointsScalar, { nullable: true, description: 'Smallest transfer, in points (TO_MILES) or miles (TO_POINTS).' }) minimum?:
    bigint | null;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'TO_MILES: what the operator pays the airline per mile credited (its MILES line). Default 0.',
  })
  pricePerMile?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Default now; never in the past.' }) effectiveFrom?: Date | null;
}

@ObjectType()
export class SetMilesRatioPayload {
  @Field(() => Boolean) ok: boolean = false;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class ConvertPointsToMilesInput {
  @Field(() => ID) airlineId!: string;
  @Field(() => PointsScalar) points!: bigint;
  @Field(() => String) frequentFlyerNumber!: string;
  @Field(() => String) idempotencyKey!: string;
}

@InputType()
export class ResolveMilesTransferInput {
  @Field(() => ID) transferId!: string;
  @Field(() => String, { nullable: true, description: "The airline's own reference for the credit (on confirm)." }) airlineReference?:
    string | null;
  @Field(() => String) idempotencyKey!: string;
}

@InputType()
export class ConvertMilesToPointsInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => PointsScalar) miles!: bigint;
  @Field(() => String) reference!: string;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class MilesTransferPayload {
  @Field(() => MilesTransfer, { nullable: true }) milesTransfer!: MilesTransfer | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
