import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canActForPartner, canSeeMember } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member, toMember } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import { Charity, DonatePointsInput, DonatePointsPayload, Donation, DonationConnection, DonationsArgs, toDonation } from './donation.types';

@Resolver(() => Donation)
export class DonationResolver {
  @Authorized()
  @Query(() => [Charity], { description: 'The charities members can donate points to, by name.' })
  charities(@Ctx() ctx: Context): Promise<Charity[]> {
    return ctx.services.donations.charities();
  }

  @Authorized('MEMBER')
  @Mutation(() => DonatePointsPayload, {
    description: 'Gives points (at least 100) to a charity partner, which receives their redemption value at settlement.',
  })
  donatePoints(@Arg('input', () => DonatePointsInput) input: DonatePointsInput, @Ctx() ctx: Context): Promise<DonatePointsPayload> {
    return mutationPayload(DonatePointsPayload, async () => {
      const row = await ctx.services.donations.donate(ctx.principal as Extract<Principal, { kind: 'MEMBER' }>, input);
      const member = await ctx.loaders.member.clear(row.member_id).load(row.member_id);
      return { donation: toDonation(row), member: member && toMember(member) };
    });
  }

  @FieldResolver(() => Partner)
  async charity(@Root() donation: Donation, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(donation.charityId))!);
  }
}

@Resolver(() => Member)
export class MemberDonationsResolver {
  @FieldResolver(() => DonationConnection, { description: 'Newest first. A charity sees only the donations it received.' })
  async donations(
    @Root() member: Member,
    @Args(() => DonationsArgs) args: DonationsArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<Donation>> {
    const charity = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    const window = pageWindow(args);
    return toConnection(await ctx.services.donations.listForMember(member.localId, charity, window), window, (r) => r.id, toDonation);
  }
}

/** `node(id:)` for donations: the member, the charity, the operator. */
export async function donationNode(localId: string, ctx: Context): Promise<Donation | null> {
  const row = await ctx.services.donations.find(localId);
  if (!row) return null;
  if (ctx.principal?.kind === 'PARTNER') return canActForPartner(ctx.principal, row.charity_id) ? toDonation(row) : null;
  const member = await ctx.loaders.member.load(row.member_id);
  return member && canSeeMember(ctx.principal, member.cardNumber) ? toDonation(row) : null;
}
