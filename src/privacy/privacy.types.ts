import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error';
import { Member } from '../member/member.types';

@ObjectType()
export class EraseMemberPayload {
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => Boolean, { nullable: true, description: 'True when the member had already been erased: nothing changed.' })
  alreadyErased!: boolean | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
