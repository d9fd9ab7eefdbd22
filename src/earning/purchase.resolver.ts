import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { assertActsForPartner, canActForPartner } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { toTransaction } from '../ledger/transaction.types';
import { transactionAndMember } from '../ledger/transaction.resolver';
import { toMember } from '../member/member.types';
import { Partner } from '../partner/partner.types';
import { RecordPurchaseInput, RecordPurchasesInput, RecordReturnInput } from './purchase.inputs';
import {
  Purchase,
  PurchaseConnection,
  PurchasesArgs,
  RecordPurchasePayload,
  RecordPurchaseResult,
  RecordPurchasesPayload,
  RecordReturnPayload,
  toPurchase,
} from './purchase.types';

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

@Resolver(() => Partner)
export class PartnerPurchasesResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => PurchaseConnection, {
    description: 'Its purchases with their returns, newest first. The operator and the partner itself; anyone else gets FORBIDDEN.',
  })
  async purchases(
    @Root() partner: Partner,
    @Args(() => PurchasesArgs) args: PurchasesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<Purchase>> {
    assertActsForPartner(ctx.principal, partner.localId, 'purchases');
    const window = pageWindow(args);
    const rows = await ctx.services.purchases.listForPartner(partner.localId, args, window);
    return toConnection(rows, window, (r) => r.id, toPurchase);
  }
}

/** `node(id:)` for purchases: the operator and the partner that recorded it. */
export async function purchaseNode(localId: string, ctx: Context): Promise<Purchase | null> {
  const row = await ctx.services.purchases.find(localId);
  return row && canActForPartner(ctx.principal, row.partner_id) ? toPurchase(row) : null;
}
