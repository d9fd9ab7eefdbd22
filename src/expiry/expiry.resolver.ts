import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { principalRef } from '../auth/principal';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member } from '../member/member.types';
import { MAX_EXPIRY_WINDOW_DAYS } from './expiry.service';
import { ExpirePointsInput, ExpirePointsPayload, ExpiringPoints } from './expiry.types';

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

@Resolver(() => Member)
export class MemberExpiryResolver {
  @FieldResolver(() => [ExpiringPoints], {
    description:
      'Unspent points that expire within `days` days, summed per expiry instant, soonest first (at most 100). ' +
      'Points already past their expiry that the daily run has not taken yet are included. A partner sees only points it funded.',
  })
  async expiringPoints(
    @Root() member: Member,
    @Arg('days', () => Int, { defaultValue: 30, description: `0 to ${MAX_EXPIRY_WINDOW_DAYS}.` }) days: number,
    @Ctx() ctx: Context,
  ): Promise<ExpiringPoints[]> {
    const fundedBy = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return (await ctx.services.expiry.expiringForMember(member.localId, days, fundedBy)).map((r) =>
      Object.assign(new ExpiringPoints(), { expiresAt: r.expires_at, points: BigInt(r.points) }),
    );
  }
}
