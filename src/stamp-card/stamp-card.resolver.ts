import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member } from '../member/member.types';
import { CreateStampCardInput, CreateStampCardPayload, StampCard, StampCardProgress, toStampCard } from './stamp-card.types';

@Resolver(() => StampCard)
export class StampCardResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => CreateStampCardPayload, { description: 'Operator for any partner; a partner for itself.' })
  createStampCard(
    @Arg('input', () => CreateStampCardInput) input: CreateStampCardInput,
    @Ctx() ctx: Context,
  ): Promise<CreateStampCardPayload> {
    return mutationPayload(CreateStampCardPayload, async () => ({
      stampCard: toStampCard(await ctx.services.stampCards.create(ctx.principal!, input)),
    }));
  }
}

@Resolver(() => Member)
export class MemberStampCardsResolver {
  @FieldResolver(() => [StampCardProgress], { description: 'A partner sees only its own cards.' })
  async stampCards(@Root() member: Member, @Ctx() ctx: Context): Promise<StampCardProgress[]> {
    const partnerId = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return (await ctx.services.stampCards.progress(member.localId, partnerId)).map((r) =>
      Object.assign(new StampCardProgress(), { card: toStampCard(r), stamps: r.stamps, owed: r.owed, rewardsIssued: r.rewards_issued }),
    );
  }
}
