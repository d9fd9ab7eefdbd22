import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars';
import { Node, toGlobalId } from '../common/relay';
import { UserError } from '../common/user-error';
import { MemberEntity } from './member.entity';

@ObjectType('Member', { implements: Node, description: 'A holder of a coalition card.' })
export class Member implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) cardNumber!: string;
  @Field(() => DateTimeScalar) enrolledAt!: Date;
  /** Database key, for field resolvers; not part of the schema. */
  localId!: string;
}

export function toMember(entity: MemberEntity): Member {
  return Object.assign(new Member(), {
    id: toGlobalId('Member', entity.id),
    localId: entity.id,
    cardNumber: entity.cardNumber,
    enrolledAt: entity.createdAt,
  });
}

@ObjectType()
export class EnrollMemberPayload {
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
