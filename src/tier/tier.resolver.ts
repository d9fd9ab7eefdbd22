import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member } from '../member/member.types';
import { CreateTierInput, CreateTierPayload, MemberTier, ReviewTiersInput, ReviewTiersPayload, Tier, toTier } from './tier.types';

@Resolver(() => Tier)
export class TierResolver {
  @Authorized('OPERATOR')
  @Mutation(() => CreateTierPayload)
  createTier(@Arg('input', () => CreateTierInput) input: CreateTierInput, @Ctx() ctx: Context): Promise<CreateTierPayload> {
    return mutationPayload(CreateTierPayload, async () => ({ tier: toTier(await ctx.services.tiers.create(input)) }));
  }

  @Authorized()
  @Query(() => [Tier], { description: 'Status levels, lowest first.' })
  async tiers(@Ctx() ctx: Context): Promise<Tier[]> {
    return (await ctx.services.tiers.list()).map(toTier);
  }

  @Authorized('OPERATOR')
  @Mutation(() => ReviewTiersPayload, { description: 'The period-end review (also runs monthly on its own): downgrades and upgrades.' })
  reviewTiers(@Arg('input', () => ReviewTiersInput) input: ReviewTiersInput, @Ctx() ctx: Context): Promise<ReviewTiersPayload> {
    return mutationPayload(ReviewTiersPayload, async () => ({ changed: await ctx.services.tiers.review(input.asOf) }));
  }
}

@Resolver(() => Member)
export class MemberTierResolver {
  @FieldResolver(() => MemberTier)
  async tier(@Root() member: Member, @Ctx() ctx: Context): Promise<MemberTier> {
    const { tier, since, qualifyingPoints, next } = await ctx.services.tiers.forMember(member.localId);
    return Object.assign(new MemberTier(), { tier: tier && toTier(tier), since, qualifyingPoints, nextTier: next && toTier(next) });
  }
}
