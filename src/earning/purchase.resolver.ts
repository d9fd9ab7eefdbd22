import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Principal } from '../auth/principal';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { toTransaction } from '../ledger/transaction.types';
import { transactionAndMember } from '../ledger/transaction.resolver';
import { toMember } from '../member/member.types';
import { RecordPurchaseInput, RecordPurchasesInput, RecordReturnInput } from './purchase.inputs';
import { RecordPurchasePayload, RecordPurchaseResult, RecordPurchasesPayload, RecordReturnPayload } from './purchase.types';

const partnerOf = (ctx: Context) => ctx.principal as Extract<Principal, { kind: 'PARTNER' }>;

@Resolver()
export class PurchaseResolver {
  @Authorized('PARTNER')
  @Mutation(() => RecordPurchasePayload, { description: 'Earns points for a purchase at the calling partner.' })
  recordPurchase(@Arg('input', () => RecordPurchaseInput) input: RecordPurchaseInput, @Ctx() ctx: Context): Promise<RecordPurchasePayload> {
    return mutationPayload(RecordPurchasePayload, async () => {
      const { entry, member, points } = await ctx.services.purchases.record(partnerOf(ctx), input);
      return { transaction: entry ? toTransaction(entry) : null, member: member ? toMember(member) : null, pointsEarned: points };
    });
  }

  @Authorized('PARTNER')
  @Mutation(() => RecordPurchasesPayload, { description: 'Up to 1,000 purchases in one call (nightly files, busy gateways).' })
  recordPurchases(
    @Arg('input', () => RecordPurchasesInput) input: RecordPurchasesInput,
    @Ctx() ctx: Context,
  ): Promise<RecordPurchasesPayload> {
    return mutationPayload(RecordPurchasesPayload, async () => {
      const outcomes = await ctx.services.purchases.recordMany(partnerOf(ctx), input.purchases);
      return {
        results: outcomes.map((o, index) => {
          const result = Object.assign(new RecordPurchaseResult(), { index, transaction: null, pointsEarned: null, userErrors: [] });
          if (Array.isArray(o)) return Object.assign(result, { userErrors: o });
          return Object.assign(result, { transaction: o.entry ? toTransaction(o.entry) : null, pointsEarned: o.points });
        }),
      };
    });
  }

  @Authorized('PARTNER')
  @Mutation(() => RecordReturnPayload, {
    description: 'Takes back points for a full or partial return; only the partner that recorded the purchase.',
  })
  recordReturn(@Arg('input', () => RecordReturnInput) input: RecordReturnInput, @Ctx() ctx: Context): Promise<RecordReturnPayload> {
    return mutationPayload(RecordReturnPayload, async () => {
      const { entryId, memberId, points } = await ctx.services.purchases.recordReturn(partnerOf(ctx), input);
      return { ...(await transactionAndMember(ctx, entryId, memberId)), pointsReversed: points };
    });
  }
}
