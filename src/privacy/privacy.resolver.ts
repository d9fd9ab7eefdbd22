import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { toMember } from '../member/member.types';
import { EraseMemberInput } from './privacy.inputs';
import { EraseMemberPayload } from './privacy.types';

@Resolver()
export class PrivacyResolver {
  @Authorized('OPERATOR')
  @Query(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Everything held about a member (GDPR access / portability), as JSON; null for a card not enrolled.',
  })
  exportMemberData(@Arg('cardNumber', () => String) cardNumber: string, @Ctx() ctx: Context): Promise<Record<string, unknown> | null> {
    return ctx.services.privacy.exportMemberData(cardNumber);
  }

  @Authorized('MEMBER')
  @Query(() => GraphQLJSONObject, { nullable: true, description: 'exportMemberData for the member the token was issued to.' })
  exportMyData(@Ctx() ctx: Context): Promise<Record<string, unknown> | null> {
    return ctx.services.privacy.exportMemberData((ctx.principal as { cardNumber: string }).cardNumber);
  }

  @Authorized('OPERATOR')
  @Mutation(() => EraseMemberPayload, {
    description:
      "Erases a member's personal data (GDPR art. 17): profile, birth date, consent history, survey answers, frequent-flyer numbers. " +
      'Points, ledger and settlement stay; the card can no longer sign in or spend. Erasing again changes nothing (alreadyErased).',
  })
  eraseMember(@Arg('input', () => EraseMemberInput) input: EraseMemberInput, @Ctx() ctx: Context): Promise<EraseMemberPayload> {
    return mutationPayload(EraseMemberPayload, async () => {
      const { member, alreadyErased } = await ctx.services.privacy.erase(input.cardNumber, input.reason);
      return { member: toMember(member), alreadyErased };
    });
  }
}
