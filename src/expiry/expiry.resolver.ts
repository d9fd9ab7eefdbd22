import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { principalRef } from '../auth/principal';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { ExpirePointsInput, ExpirePointsPayload } from './expiry.types';

@Resolver()
export class ExpiryResolver {
  @Authorized('OPERATOR')
  @Mutation(() => ExpirePointsPayload, {
    description: 'Expires every lot past its expiry as of asOf, as breakage of its funding partner. Also runs daily on its own.',
  })
  expirePoints(@Arg('input', () => ExpirePointsInput) input: ExpirePointsInput, @Ctx() ctx: Context): Promise<ExpirePointsPayload> {
    return mutationPayload(ExpirePointsPayload, async () => ({
      expiredPoints: await ctx.services.ledger.expireLots(input.asOf, principalRef(ctx.principal!)),
    }));
  }
}
