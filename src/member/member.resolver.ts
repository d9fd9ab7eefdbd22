import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden } from '../auth/auth.errors';
import { canSeeMember } from '../auth/authorize';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { BusinessError, CommonErrorCode, mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { EnrollMeInput, EnrollMemberInput, MemberProfileInput, SetMarketingConsentInput } from './member.inputs';
import { normalizeCardNumber } from './member.service';
import {
  ConsentSource,
  EnrollMemberPayload,
  MarketingConsent,
  Member,
  MemberConnection,
  MemberProfilePayload,
  MembersArgs,
  toMember,
} from './member.types';

/**
 * What of a member's profile a caller sees. The member and the operator: all of it. A partner (a
 * till) never sees names, email, language or consent details — only `greetingName`, the first
 * name, and only while the member consents to marketing.
 */
const seesProfile = (ctx: Context) => ctx.principal?.kind !== 'PARTNER';
const PROFILE_HIDDEN = 'null for a partner: partners never see it.';

@Resolver(() => Member)
export class MemberResolver {
  @Authorized('PARTNER', 'OPERATOR')
  @Mutation(() => EnrollMemberPayload, { description: 'Enrols a card number as a member.' })
  enrollMember(@Arg('input', () => EnrollMemberInput) input: EnrollMemberInput, @Ctx() ctx: Context): Promise<EnrollMemberPayload> {
    return mutationPayload(EnrollMemberPayload, async () => ({
      member: toMember(await ctx.services.members.enroll(input, ctx.principal!)),
    }));
  }

  @Authorized('MEMBER')
  @Mutation(() => EnrollMemberPayload, {
    description: "Self-enrolment from the member app: enrols the token's card number, once (DUPLICATE_CARD after).",
  })
  enrollMe(@Arg('input', () => EnrollMeInput) input: EnrollMeInput, @Ctx() ctx: Context): Promise<EnrollMemberPayload> {
    const { marketingConsent, ...profile } = input;
    const cardNumber = (ctx.principal as { cardNumber: string }).cardNumber;
    return mutationPayload(EnrollMemberPayload, async () => ({
      member: toMember(
        await ctx.services.members.enroll(
          { ...profile, cardNumber, marketingConsent: marketingConsent ? { granted: true, source: ConsentSource.APP } : null },
          ctx.principal!,
        ),
      ),
    }));
  }

  @Authorized('MEMBER')
  @Mutation(() => MemberProfilePayload, { description: "The member's own profile: the fields given change, null clears one." })
  updateMemberProfile(
    @Arg('input', () => MemberProfileInput) input: MemberProfileInput,
    @Ctx() ctx: Context,
  ): Promise<MemberProfilePayload> {
    const cardNumber = (ctx.principal as { cardNumber: string }).cardNumber;
    return mutationPayload(MemberProfilePayload, async () => ({
      member: toMember(await ctx.services.members.updateProfile(cardNumber, input)),
    }));
  }

  @Authorized()
  @Mutation(() => MemberProfilePayload, {
    description:
      'Grants (recording when and through which channel) or withdraws marketing consent; every change is kept in the consent history. ' +
      'A member for itself, a partner (at its till) or the operator for a card.',
  })
  setMarketingConsent(
    @Arg('input', () => SetMarketingConsentInput) input: SetMarketingConsentInput,
    @Ctx() ctx: Context,
  ): Promise<MemberProfilePayload> {
    const principal = ctx.principal!;
    const cardNumber = principal.kind === 'MEMBER' ? principal.cardNumber : input.cardNumber;
    if (principal.kind === 'MEMBER' && input.cardNumber != null && normalizeCardNumber(input.cardNumber) !== principal.cardNumber) {
      throw forbidden('A member may set only its own consent');
    }
    return mutationPayload(MemberProfilePayload, async () => {
      if (cardNumber == null) {
        throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'cardNumber is required for a partner or the operator', [
          'input',
          'cardNumber',
        ]);
      }
      return { member: toMember(await ctx.services.members.setMarketingConsent(cardNumber, input, principal)) };
    });
  }

  @FieldResolver(() => String, { nullable: true, description: PROFILE_HIDDEN })
  firstName(@Root() member: Member, @Ctx() ctx: Context): string | null {
    return seesProfile(ctx) ? member.profile.firstName : null;
  }

  @FieldResolver(() => String, { nullable: true, description: PROFILE_HIDDEN })
  lastName(@Root() member: Member, @Ctx() ctx: Context): string | null {
    return seesProfile(ctx) ? member.profile.lastName : null;
  }

  @FieldResolver(() => String, { nullable: true, description: PROFILE_HIDDEN })
  email(@Root() member: Member, @Ctx() ctx: Context): string | null {
    return seesProfile(ctx) ? member.profile.email : null;
  }

  @FieldResolver(() => String, { nullable: true, description: `A language tag such as "de-AT"; ${PROFILE_HIDDEN}` })
  language(@Root() member: Member, @Ctx() ctx: Context): string | null {
    return seesProfile(ctx) ? member.profile.language : null;
  }

  @FieldResolver(() => MarketingConsent, { nullable: true, description: PROFILE_HIDDEN })
  marketingConsent(@Root() member: Member, @Ctx() ctx: Context): MarketingConsent | null {
    return seesProfile(ctx) ? member.profile.marketingConsent : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The name to greet the member by (its first name). A partner sees it only while the member consents to marketing.',
  })
  greetingName(@Root() member: Member, @Ctx() ctx: Context): string | null {
    const { firstName, marketingConsent } = member.profile;
    return seesProfile(ctx) || marketingConsent.granted ? firstName : null;
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
