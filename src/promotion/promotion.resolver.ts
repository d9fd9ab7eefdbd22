import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { CreatePromotionInput, CreatePromotionPayload, Promotion, toPromotion } from './promotion.types';

@Resolver(() => Promotion)
export class PromotionResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => CreatePromotionPayload, { description: 'Operator: any scope and funder. Partner: for itself, funded by itself.' })
  createPromotion(
    @Arg('input', () => CreatePromotionInput) input: CreatePromotionInput,
    @Ctx() ctx: Context,
  ): Promise<CreatePromotionPayload> {
    return mutationPayload(CreatePromotionPayload, async () => ({
      promotion: toPromotion(await ctx.services.promotions.create(ctx.principal!, input)),
    }));
  }

  @Authorized()
  @Query(() => [Promotion], { description: 'Running and upcoming promotions (a partner: those that apply to it), at most 100.' })
  async promotions(@Ctx() ctx: Context): Promise<Promotion[]> {
    const partnerId = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return (await ctx.services.promotions.listCurrent(partnerId)).map(toPromotion);
  }
}
