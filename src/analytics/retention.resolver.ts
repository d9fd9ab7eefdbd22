import { GraphQLError } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertActsForPartner } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionArgs, ConnectionShape, localIdOf, pageWindow, toConnection } from '../common/relay';
import { DateTimeScalar } from '../common/scalars';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { AtRiskMember, AtRiskMemberConnection, RefreshSegmentsPayload, RetentionReport } from './retention.types';

/** The partner whose members a call reads: a partner always itself, the operator the one named or the coalition (null). */
function scopeOf(principal: Principal, partnerId: string | null | undefined): string | null {
  const local = partnerId ? localIdOf(partnerId, 'Partner') : null;
  if (partnerId && !local) throw new GraphQLError('"partnerId" is not a Partner ID', { extensions: { code: 'BAD_USER_INPUT' } });
  if (principal.kind !== 'PARTNER') return local;
  assertActsForPartner(principal, local ?? principal.partnerId, 'retention figures');
  return principal.partnerId;
}

function atRiskDaysOf(days: number): number {
  if (days < 1 || days > 365) throw new GraphQLError('"atRiskDays" must be between 1 and 365', { extensions: { code: 'BAD_USER_INPUT' } });
  return days;
}

const partnerArg = { nullable: true, description: 'Operator: one partner’s members (default: the coalition). A partner: itself only.' };
const atRiskArg = { defaultValue: 45, description: 'A member is at risk after this many days without a purchase (1–365).' };

@Resolver()
export class RetentionResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => RetentionReport, { description: 'Active members, repeat purchases, enrolment cohorts, RFM segments and members at risk.' })
  retentionReport(
    @Arg('partnerId', () => ID, partnerArg) partnerId: string | null,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Default: now.' }) asOf: Date | null,
    @Arg('atRiskDays', () => Int, atRiskArg) atRiskDays: number,
    @Arg('cohortMonths', () => Int, { defaultValue: 12, description: 'Cohorts of the last N enrolment months (1–36).' })
    cohortMonths: number,
    @Ctx() ctx: Context,
  ): Promise<RetentionReport> {
    if (cohortMonths < 1 || cohortMonths > 36) {
      throw new GraphQLError('"cohortMonths" must be between 1 and 36', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return ctx.services.retention.report(scopeOf(ctx.principal!, partnerId), asOf ?? new Date(), atRiskDaysOf(atRiskDays), cohortMonths);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => AtRiskMemberConnection, {
    description: 'At-risk members (as of now) who consented to marketing, in member order. A partner gets card number and first name only.',
  })
  async atRiskFollowUps(
    @Arg('partnerId', () => ID, partnerArg) partnerId: string | null,
    @Arg('atRiskDays', () => Int, atRiskArg) atRiskDays: number,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<AtRiskMember>> {
    const window = pageWindow(args);
    const operator = ctx.principal!.kind === 'OPERATOR';
    const rows = await ctx.services.retention.atRiskFollowUps(scopeOf(ctx.principal!, partnerId), atRiskDaysOf(atRiskDays), window);
    return toConnection(
      rows,
      window,
      (r) => r.id,
      (r) =>
        Object.assign(new AtRiskMember(), {
          cardNumber: r.card_number,
          firstName: r.first_name,
          email: operator ? r.email : null,
          lastPurchaseAt: r.last_at,
        }),
    );
  }

  @Authorized('OPERATOR')
  @Mutation(() => RefreshSegmentsPayload, {
    description: 'Recomputes every member’s RFM segment, which segment-targeted promotions read at purchase time. Also runs daily.',
  })
  refreshSegments(@Ctx() ctx: Context): Promise<RefreshSegmentsPayload> {
    return mutationPayload(RefreshSegmentsPayload, async () => ({ members: await ctx.services.retention.refreshSegments() }));
  }
}
