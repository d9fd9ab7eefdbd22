import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { UserError } from '../common/user-error';
import { MemberEntity } from './member.entity';

@ObjectType('Member', { implements: Node, description: 'A holder of a coalition card.' })
export class Member implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) cardNumber!: string;
  @Field(() => DateTimeScalar) enrolledAt!: Date;
  @Field(() => PointsScalar, { description: "Spendable points; negative only through a return's debt, which later earnings pay first." })
  balance!: bigint;
  @Field(() => PointsScalar, { description: 'Points set aside by pending holds (e.g. a miles transfer awaiting the airline).' })
  heldPoints!: bigint;
  /** Database key, for field resolvers; not part of the schema. */
  localId!: string;
}

export function toMember(entity: MemberEntity): Member {
  return Object.assign(new Member(), {
    id: toGlobalId('Member', entity.id),
    localId: entity.id,
    cardNumber: entity.cardNumber,
    enrolledAt: entity.createdAt,
    balance: BigInt(entity.pointsBalance),
    heldPoints: BigInt(entity.pointsHeld),
  });
}

@ObjectType()
export class EnrollMemberPayload {
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

export const MemberConnection = ConnectionType(Member, 'Member');

@ArgsType()
export class MembersArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'A card number or its beginning (spaces and case ignored); omitted: every member.' })
  search?: string | null;
}
