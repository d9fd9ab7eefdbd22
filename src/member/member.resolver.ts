import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { forbidden } from '../auth/auth.errors';
import { canSeeMember } from '../auth/authorize';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { EnrollMemberInput } from './member.inputs';
import { normalizeCardNumber } from './member.service';
import { EnrollMemberPayload, Member, MemberConnection, MembersArgs, toMember } from './member.types';

@Resolver(() => Member)
export class MemberResolver {
  @Authorized('PARTNER', 'OPERATOR')
  @Mutation(() => EnrollMemberPayload, { description: 'Enrols a card number as a member.' })
  enrollMember(@Arg('input', () => EnrollMemberInput) input: EnrollMemberInput, @Ctx() ctx: Context): Promise<EnrollMemberPayload> {
    return mutationPayload(EnrollMemberPayload, async () => ({
      member: toMember(await ctx.services.members.enroll(input, ctx.principal!)),
    }));
  }

  @Authorized()
  @Query(() => Member, {
    nullable: true,
    description: 'A member by card number. Partner or operator; a member token may read only its own.',
  })
  async member(@Arg('cardNumber', () => String) cardNumber: string, @Ctx() ctx: Context): Promise<Member | null> {
    const card = normalizeCardNumber(cardNumber);
    if (!canSeeMember(ctx.principal, card)) throw forbidden('A member may read only its own card');
    const entity = await ctx.services.members.findByCard(card);
    return entity && toMember(entity);
  }

  @Authorized('OPERATOR')
  @Query(() => MemberConnection, { description: 'Operator lookup: members by card number prefix, in card-number order.' })
  async members(@Args(() => MembersArgs) args: MembersArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Member>> {
    const window = pageWindow(args);
    const rows = await ctx.services.members.search(args.search ?? '', window);
    return toConnection(rows, window, (m) => m.cardNumber, toMember);
  }

  @Authorized('MEMBER')
  @Query(() => Member, { nullable: true, description: 'The member the token was issued to; null if that card is not enrolled.' })
  async me(@Ctx() ctx: Context): Promise<Member | null> {
    const principal = ctx.principal as { cardNumber: string };
    const entity = await ctx.services.members.findByCard(principal.cardNumber);
    return entity && toMember(entity);
  }
}

/** `node(id:)` for members: operator and partners, or the member itself. */
export async function memberNode(localId: string, ctx: Context): Promise<Member | null> {
  const member = await ctx.loaders.member.load(localId);
  return member && canSeeMember(ctx.principal, member.cardNumber) ? toMember(member) : null;
}
