import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { principalRef, Principal } from '../auth/principal';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { transactionAndMember } from '../ledger/transaction.resolver';
import {
  CreateSurveyInput,
  CreateSurveyPayload,
  GrantBirthdayBonusesInput,
  GrantBirthdayBonusesPayload,
  GrantGoodwillInput,
  GrantGoodwillPayload,
  SubmitSurveyInput,
  SubmitSurveyPayload,
} from './engagement.types';

@Resolver()
export class EngagementResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => GrantGoodwillPayload, {
    description: 'Goodwill points with a mandatory reason, paid by the granting partner or the operator.',
  })
  grantGoodwill(@Arg('input', () => GrantGoodwillInput) input: GrantGoodwillInput, @Ctx() ctx: Context): Promise<GrantGoodwillPayload> {
    return mutationPayload(GrantGoodwillPayload, async () => {
      const { entryId, memberId } = await ctx.services.engagement.grantGoodwill(ctx.principal!, input);
      return transactionAndMember(ctx, entryId, memberId);
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => CreateSurveyPayload)
  createSurvey(@Arg('input', () => CreateSurveyInput) input: CreateSurveyInput, @Ctx() ctx: Context): Promise<CreateSurveyPayload> {
    return mutationPayload(CreateSurveyPayload, async () => ({ survey: await ctx.services.engagement.createSurvey(input) }));
  }

  @Authorized('MEMBER')
  @Mutation(() => SubmitSurveyPayload, { description: 'Stores the answers and pays the survey points, once per member.' })
  submitSurvey(@Arg('input', () => SubmitSurveyInput) input: SubmitSurveyInput, @Ctx() ctx: Context): Promise<SubmitSurveyPayload> {
    return mutationPayload(SubmitSurveyPayload, async () => {
      const { entryId, memberId } = await ctx.services.engagement.submitSurvey(
        ctx.principal as Extract<Principal, { kind: 'MEMBER' }>,
        input,
      );
      return transactionAndMember(ctx, entryId, memberId);
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => GrantBirthdayBonusesPayload, { description: 'Runs the daily birthday bonus for a given day (idempotent).' })
  grantBirthdayBonuses(
    @Arg('input', () => GrantBirthdayBonusesInput) input: GrantBirthdayBonusesInput,
    @Ctx() ctx: Context,
  ): Promise<GrantBirthdayBonusesPayload> {
    return mutationPayload(GrantBirthdayBonusesPayload, async () => ({
      granted: await ctx.services.engagement.grantBirthdayBonuses(input.asOf, principalRef(ctx.principal!)),
    }));
  }
}
