import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canActForPartner, canSeeMember } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionArgs, ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import { toGiftCard } from '../gift-card/gift-card.types';
import type { Context } from '../graphql/context';
import { Member, toMember } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import {
  CreateRewardInput,
  CreateRewardPayload,
  RedeemRewardInput,
  RedeemRewardPayload,
  Redemption,
  Reward,
  RewardConnection,
  toRedemption,
  toReward,
  toVoucher,
  UseVoucherInput,
  UseVoucherPayload,
  Voucher,
} from './reward.types';

@Resolver(() => Reward)
export class RewardResolver {
  @Authorized('OPERATOR')
  @Mutation(() => CreateRewardPayload, { description: 'Adds a reward to the catalogue.' })
  createReward(@Arg('input', () => CreateRewardInput) input: CreateRewardInput, @Ctx() ctx: Context): Promise<CreateRewardPayload> {
    return mutationPayload(CreateRewardPayload, async () => ({ reward: toReward(await ctx.services.rewards.create(input)) }));
  }

  @Authorized()
  @Query(() => RewardConnection, { description: 'The active catalogue, oldest first.' })
  async rewards(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Reward>> {
    const window = pageWindow(args);
    return toConnection(await ctx.services.rewards.listActive(window), window, (r) => r.id, toReward);
  }

  @Authorized('MEMBER', 'PARTNER')
  @Mutation(() => RedeemRewardPayload, {
    description: 'Spends points on a reward: by the member, or by the fulfilling partner at its till.',
  })
  redeemReward(@Arg('input', () => RedeemRewardInput) input: RedeemRewardInput, @Ctx() ctx: Context): Promise<RedeemRewardPayload> {
    return mutationPayload(RedeemRewardPayload, async () => {
      const { redemption, giftCardCode, giftCardId } = await ctx.services.rewards.redeem(ctx.principal!, input);
      const giftCard = giftCardId ? await ctx.services.giftCards.find(giftCardId) : null;
      const member = await ctx.loaders.member.clear(redemption.memberId).load(redemption.memberId);
      return { redemption: toRedemption(redemption, giftCard && toGiftCard(giftCard, giftCardCode)), member: member && toMember(member) };
    });
  }

  @Authorized('PARTNER')
  @Mutation(() => UseVoucherPayload, { description: 'Marks a voucher used at the till of the partner that honours it; once.' })
  useVoucher(@Arg('input', () => UseVoucherInput) input: UseVoucherInput, @Ctx() ctx: Context): Promise<UseVoucherPayload> {
    return mutationPayload(UseVoucherPayload, async () => ({
      voucher: toVoucher(await ctx.services.rewards.useVoucher(ctx.principal as Extract<Principal, { kind: 'PARTNER' }>, input.code)),
    }));
  }

  @FieldResolver(() => Partner, { description: 'The partner that honours it.' })
  async fulfilledBy(@Root() reward: Reward, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(reward.fulfilledById))!);
  }

  @FieldResolver(() => Partner, { description: 'The partner that offers it (the fulfiller itself when nobody else sponsors it).' })
  async sponsoredBy(@Root() reward: Reward, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(reward.sponsoredById))!);
  }
}

@Resolver(() => Redemption)
export class RedemptionResolver {
  @FieldResolver(() => Reward)
  async reward(@Root() redemption: Redemption, @Ctx() ctx: Context): Promise<Reward> {
    return toReward((await ctx.loaders.reward.load(redemption.rewardId))!);
  }

  @FieldResolver(() => Voucher, { nullable: true, description: 'For a VOUCHER reward.' })
  async voucher(@Root() redemption: Redemption, @Ctx() ctx: Context): Promise<Voucher | null> {
    const voucher = await ctx.services.rewards.findVoucherOfRedemption(redemption.localId);
    return voucher && toVoucher(voucher);
  }
}

@Resolver(() => Member)
export class MemberRewardsResolver {
  @FieldResolver(() => [Voucher], { description: 'Newest first (at most 100). A partner sees only vouchers honoured at it.' })
  async vouchers(@Root() member: Member, @Ctx() ctx: Context): Promise<Voucher[]> {
    const partnerId = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return (await ctx.services.rewards.listVouchers(member.localId, partnerId)).map(toVoucher);
  }
}

/** `node(id:)`: rewards for anyone signed in; redemptions and vouchers for the member, the fulfilling partner and the operator. */
export async function rewardNode(localId: string, ctx: Context): Promise<Reward | null> {
  const reward = await ctx.loaders.reward.load(localId);
  return reward && toReward(reward);
}

async function visibleToMemberOrPartner(ctx: Context, memberId: string, partnerId: string): Promise<boolean> {
  if (ctx.principal?.kind === 'PARTNER') return canActForPartner(ctx.principal, partnerId);
  const member = await ctx.loaders.member.load(memberId);
  return member !== null && canSeeMember(ctx.principal, member.cardNumber);
}

export async function redemptionNode(localId: string, ctx: Context): Promise<Redemption | null> {
  const redemption = await ctx.services.rewards.findRedemption(localId);
  const reward = redemption && (await ctx.loaders.reward.load(redemption.rewardId));
  if (!redemption || !reward || !(await visibleToMemberOrPartner(ctx, redemption.memberId, reward.fulfilledBy))) return null;
  const giftCard = await ctx.services.giftCards.findByRedemption(redemption.id);
  return toRedemption(redemption, giftCard && toGiftCard(giftCard));
}

export async function voucherNode(localId: string, ctx: Context): Promise<Voucher | null> {
  const voucher = await ctx.services.rewards.findVoucher(localId);
  return voucher && (await visibleToMemberOrPartner(ctx, voucher.memberId, voucher.partnerId)) ? toVoucher(voucher) : null;
}
