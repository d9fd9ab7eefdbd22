import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { canActForPartner, canSeeMember } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import { GiftCard, RedeemGiftCardInput, RedeemGiftCardPayload, toGiftCard } from './gift-card.types';

@Resolver(() => GiftCard)
export class GiftCardResolver {
  @Authorized('PARTNER')
  @Mutation(() => RedeemGiftCardPayload, { description: 'Spends part or all of a gift card at the partner that issued it.' })
  redeemGiftCard(@Arg('input', () => RedeemGiftCardInput) input: RedeemGiftCardInput, @Ctx() ctx: Context): Promise<RedeemGiftCardPayload> {
    return mutationPayload(RedeemGiftCardPayload, async () => ({
      giftCard: toGiftCard(await ctx.services.giftCards.redeem(ctx.principal as Extract<Principal, { kind: 'PARTNER' }>, input)),
    }));
  }

  @FieldResolver(() => Partner, { description: 'The only partner where it can be spent.' })
  async redeemableAt(@Root() card: GiftCard, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(card.partnerId))!);
  }
}

/** `node(id:)` for gift cards: the member who holds it, the partner where it is spent, the operator. */
export async function giftCardNode(localId: string, ctx: Context): Promise<GiftCard | null> {
  const card = await ctx.services.giftCards.find(localId);
  if (!card) return null;
  if (ctx.principal?.kind === 'PARTNER') return canActForPartner(ctx.principal, card.partnerId) ? toGiftCard(card) : null;
  const member = await ctx.loaders.member.load(card.memberId);
  return member && canSeeMember(ctx.principal, member.cardNumber) ? toGiftCard(card) : null;
}

@Resolver(() => Member)
export class MemberGiftCardsResolver {
  @FieldResolver(() => [GiftCard], { description: 'Newest first. A partner sees only the cards spendable at it.' })
  async giftCards(@Root() member: Member, @Ctx() ctx: Context): Promise<GiftCard[]> {
    const cards = await ctx.services.giftCards.listForMember(member.localId);
    return cards.filter((c) => ctx.principal?.kind !== 'PARTNER' || canActForPartner(ctx.principal, c.partnerId)).map((c) => toGiftCard(c));
  }
}
