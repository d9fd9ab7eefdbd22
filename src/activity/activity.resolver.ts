import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { transactionAndMember } from '../ledger/transaction.resolver';
import { Partner, toPartner } from '../partner/partner.types';
import {
  ActivityRule,
  ActivityRuleConnection,
  ActivityRulePayload,
  ActivityRulesArgs,
  CreateActivityRuleInput,
  RecordActivityInput,
  RecordActivityPayload,
  SetActivityRuleActiveInput,
  toActivityRule,
} from './activity.types';

@Resolver(() => ActivityRule)
export class ActivityResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => ActivityRuleConnection, { description: 'Newest first. A partner sees its own rules and the operator’s.' })
  async activityRules(@Args(() => ActivityRulesArgs) args: ActivityRulesArgs, @Ctx() ctx: Context): Promise<ConnectionShape<ActivityRule>> {
    const window = pageWindow(args);
    return toConnection(await ctx.services.activity.list(ctx.principal!, window), window, (r) => r.id, toActivityRule);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => ActivityRulePayload, {
    description: 'An activity rule: the operator for anyone to report (funded by a partner or itself), a partner for itself at its cost.',
  })
  createActivityRule(
    @Arg('input', () => CreateActivityRuleInput) input: CreateActivityRuleInput,
    @Ctx() ctx: Context,
  ): Promise<ActivityRulePayload> {
    return mutationPayload(ActivityRulePayload, async () => ({
      activityRule: toActivityRule(await ctx.services.activity.createRule(ctx.principal!, input)),
    }));
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => ActivityRulePayload, { description: 'Switches a rule on or off: the operator any rule, a partner its own.' })
  setActivityRuleActive(
    @Arg('input', () => SetActivityRuleActiveInput) input: SetActivityRuleActiveInput,
    @Ctx() ctx: Context,
  ): Promise<ActivityRulePayload> {
    return mutationPayload(ActivityRulePayload, async () => ({
      activityRule: toActivityRule(await ctx.services.activity.setActive(ctx.principal!, input)),
    }));
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => RecordActivityPayload, {
    description:
      "Credits a member for an activity of a rule the caller may report (a partner: its own and the operator's), within its cap.",
  })
  recordActivity(@Arg('input', () => RecordActivityInput) input: RecordActivityInput, @Ctx() ctx: Context): Promise<RecordActivityPayload> {
    return mutationPayload(RecordActivityPayload, async () => {
      const { entryId, memberId } = await ctx.services.activity.record(ctx.principal!, input);
      return transactionAndMember(ctx, entryId, memberId);
    });
  }

  @FieldResolver(() => Partner, { nullable: true, description: 'The partner paying for the points; null: the operator.' })
  async funder(@Root() rule: ActivityRule, @Ctx() ctx: Context): Promise<Partner | null> {
    const partner = rule.funderId ? await ctx.loaders.partner.load(rule.funderId) : null;
    return partner && toPartner(partner);
  }
}

/** `node(id:)` for activity rules: the operator, partners for their own and the operator's. */
export async function activityRuleNode(localId: string, ctx: Context): Promise<ActivityRule | null> {
  if (ctx.principal?.kind === 'MEMBER') return null;
  const row = await ctx.services.activity.find(ctx.principal!, localId);
  return row && toActivityRule(row);
}
