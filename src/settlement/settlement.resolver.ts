import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden } from '../auth/auth.errors';
import { assertActsForPartner } from '../auth/authorize';
import { formatExact, Money, toMoney } from '../common/money';
import { ConnectionArgs, ConnectionShape, localIdOf, pageWindow, toConnection, toGlobalId } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { toTransaction, Transaction } from '../ledger/transaction.types';
import { Partner, toPartner } from '../partner/partner.types';
import type { DisputeRow, InstructionRow, ItemRow, PeriodRow, StatementRow } from './settlement.service';
import {
  CloseSettlementPeriodInput,
  CloseSettlementPeriodPayload,
  ConsolidatedNet,
  DisputeSettlementLineInput,
  LiabilityLine,
  PointsLiability,
  MarkPaymentInstructionPaidInput,
  MarkPaymentInstructionPaidPayload,
  PaymentInstruction,
  PaymentInstructionStatus,
  POINT_KINDS,
  PostSettlementAdjustmentInput,
  PostSettlementAdjustmentPayload,
  ResolveSettlementDisputeInput,
  SettlementDispute,
  SettlementDisputeConnection,
  SettlementDisputePayload,
  SettlementItem,
  SettlementItemConnection,
  SettlementLine,
  SettlementPeriod,
  SettlementPeriodConnection,
  SettlementStatement,
  SettlementStatementConnection,
} from './settlement.types';

export const toPeriod = (r: PeriodRow): SettlementPeriod =>
  Object.assign(new SettlementPeriod(), {
    id: toGlobalId('SettlementPeriod', r.id),
    localId: r.id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    closedAt: r.closed_at,
    baseCurrency: r.base_currency,
  });

const toInstruction = (r: { id: string; amount: string; currency: string; status: string; reference: string | null; partnerId: string }) =>
  Object.assign(new PaymentInstruction(), {
    id: toGlobalId('PaymentInstruction', r.id),
    amount: toMoney(r.amount, r.currency),
    status: r.status as PaymentInstructionStatus,
    paymentReference: r.reference,
    partnerId: r.partnerId,
  });

const instructionOf = (r: InstructionRow) =>
  toInstruction({
    id: r.id,
    amount: r.amount_minor,
    currency: r.currency,
    status: r.status,
    reference: r.payment_reference,
    partnerId: r.partner_id,
  });

const toStatement = (r: StatementRow): SettlementStatement =>
  Object.assign(new SettlementStatement(), {
    currency: r.currency,
    partnerId: r.partner_id,
    periodId: r.period_id,
    periodRow: { ...r, id: r.period_id },
    lines: r.lines.map((l) =>
      Object.assign(new SettlementLine(), {
        kind: l.kind,
        points: POINT_KINDS.includes(l.kind) ? BigInt(l.quantity) : null,
        amount: toMoney(l.amount, r.currency),
        periodId: r.period_id,
        partnerId: r.partner_id,
      }),
    ),
    net: toMoney(r.net_minor, r.currency),
    openingBalance: toMoney(r.opening_minor, r.currency),
    amountDue: toMoney(BigInt(r.opening_minor) + BigInt(r.net_minor), r.currency),
    paymentInstruction: r.instruction_id
      ? toInstruction({
          id: r.instruction_id,
          amount: r.instruction_amount!,
          currency: r.currency,
          status: r.status!,
          reference: r.payment_reference,
          partnerId: r.partner_id,
        })
      : null,
  });

export const toItem = (r: ItemRow): SettlementItem =>
  Object.assign(new SettlementItem(), {
    id: toGlobalId('SettlementItem', r.id),
    kind: r.kind,
    quantity: BigInt(r.quantity),
    amount: formatExact(r.amount, r.currency),
    currency: r.currency,
    reference: r.reference,
    createdAt: r.created_at,
    entryId: r.entry_id,
  });

const toDispute = (r: DisputeRow): SettlementDispute =>
  Object.assign(new SettlementDispute(), {
    id: toGlobalId('SettlementDispute', r.id),
    periodId: toGlobalId('SettlementPeriod', r.period_id),
    kind: r.kind,
    currency: r.currency,
    reason: r.reason,
    resolution: r.resolution,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    partnerId: r.partner_id,
  });

/** Partners see their own statements only; members see none. */
const ownPartner = (ctx: Context): string | null => (ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null);

@Resolver(() => SettlementPeriod)
export class SettlementResolver {
  @Authorized('OPERATOR')
  @Mutation(() => CloseSettlementPeriodPayload, {
    description: 'Closes the period ending at periodEnd: statements, netting, payment instructions.',
  })
  closeSettlementPeriod(
    @Arg('input', () => CloseSettlementPeriodInput) input: CloseSettlementPeriodInput,
    @Ctx() ctx: Context,
  ): Promise<CloseSettlementPeriodPayload> {
    return mutationPayload(CloseSettlementPeriodPayload, async () => ({
      period: toPeriod(await ctx.services.settlement.close(ctx.principal!, input)),
    }));
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => SettlementPeriod, { nullable: true })
  async settlementPeriod(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<SettlementPeriod | null> {
    const localId = localIdOf(id, 'SettlementPeriod');
    const row = localId ? await ctx.services.settlement.findPeriod(localId) : null;
    return row && toPeriod(row);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => SettlementPeriodConnection, { description: 'Closed periods, newest first.' })
  async settlementPeriods(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<SettlementPeriod>> {
    const window = pageWindow(args);
    return toConnection(await ctx.services.settlement.listPeriods(window), window, (p) => p.id, toPeriod);
  }

  @FieldResolver(() => [SettlementStatement], { description: 'Per partner and currency; a partner sees only its own.' })
  async statements(@Root() period: SettlementPeriod, @Ctx() ctx: Context): Promise<SettlementStatement[]> {
    return (await ctx.services.settlement.statements(period.localId, ownPartner(ctx))).map(toStatement);
  }

  @FieldResolver(() => [Money], { description: 'Operator only: per currency, the balancing amount; Σ statement nets + margin = 0.' })
  async operatorMargin(@Root() period: SettlementPeriod, @Ctx() ctx: Context): Promise<Money[]> {
    if (ctx.principal?.kind !== 'OPERATOR') throw forbidden('The operator margin is for the operator');
    return (await ctx.services.settlement.margin(period.localId)).map((m) => toMoney(m.amount_minor, m.currency));
  }

  @FieldResolver(() => [ConsolidatedNet], {
    description: 'Each partner’s net in the base currency at the rates locked at close (empty without one).',
  })
  async consolidated(@Root() period: SettlementPeriod, @Ctx() ctx: Context): Promise<ConsolidatedNet[]> {
    if (!period.baseCurrency) return [];
    const own = ownPartner(ctx);
    return (await ctx.services.settlement.consolidated(period.localId))
      .filter((r) => !own || r.partner_id === own)
      .map((r) =>
        Object.assign(new ConsolidatedNet(), { partnerId: toGlobalId('Partner', r.partner_id), net: toMoney(r.amount_minor, r.currency) }),
      );
  }

  @Authorized('OPERATOR')
  @Query(() => PointsLiability, { description: "The operator's outstanding-points liability and breakage estimate." })
  async pointsLiability(@Ctx() ctx: Context): Promise<PointsLiability> {
    const { rate, lines } = await ctx.services.settlement.liability();
    return Object.assign(new PointsLiability(), {
      expectedRedemptionRate: rate,
      outstandingPoints: lines.reduce((sum, l) => sum + BigInt(l.outstanding), 0n),
      expectedBreakagePoints: lines.reduce((sum, l) => sum + BigInt(l.breakage), 0n),
      byFundingPartner: lines.map((l) =>
        Object.assign(new LiabilityLine(), {
          fundingPartnerId: l.funding_partner_id && toGlobalId('Partner', l.funding_partner_id),
          outstandingPoints: BigInt(l.outstanding),
          redemptionValue: l.value_minor === null ? null : toMoney(l.value_minor, l.currency!),
          expectedBreakagePoints: BigInt(l.breakage),
        }),
      ),
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => MarkPaymentInstructionPaidPayload)
  markPaymentInstructionPaid(
    @Arg('input', () => MarkPaymentInstructionPaidInput) input: MarkPaymentInstructionPaidInput,
    @Ctx() ctx: Context,
  ): Promise<MarkPaymentInstructionPaidPayload> {
    return mutationPayload(MarkPaymentInstructionPaidPayload, async () => ({
      paymentInstruction: instructionOf(
        await ctx.services.settlement.markPaid(localIdOf(input.instructionId, 'PaymentInstruction'), input.paymentReference),
      ),
    }));
  }

  @Authorized('OPERATOR')
  @Mutation(() => PostSettlementAdjustmentPayload, { description: 'An ADJUSTMENT line item in the open period, with a reason.' })
  postSettlementAdjustment(
    @Arg('input', () => PostSettlementAdjustmentInput) input: PostSettlementAdjustmentInput,
    @Ctx() ctx: Context,
  ): Promise<PostSettlementAdjustmentPayload> {
    return mutationPayload(PostSettlementAdjustmentPayload, async () => ({
      item: toItem(await ctx.services.settlement.adjust(ctx.principal!, { ...input, partnerId: localIdOf(input.partnerId, 'Partner') })),
    }));
  }

  @Authorized('PARTNER')
  @Mutation(() => SettlementDisputePayload, {
    description: 'A partner disputes one of its lines; the operator answers with resolveSettlementDispute.',
  })
  disputeSettlementLine(
    @Arg('input', () => DisputeSettlementLineInput) input: DisputeSettlementLineInput,
    @Ctx() ctx: Context,
  ): Promise<SettlementDisputePayload> {
    return mutationPayload(SettlementDisputePayload, async () => ({
      dispute: toDispute(await ctx.services.settlement.dispute(ownPartner(ctx)!, input)),
    }));
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => SettlementDisputeConnection, { description: 'Disputes of settlement lines, newest first; a partner sees only its own.' })
  async settlementDisputes(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('open', () => Boolean, { nullable: true, description: 'true: unresolved only; false: resolved only; omitted: all.' })
    open: boolean | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<SettlementDispute>> {
    const window = pageWindow(args);
    return toConnection(await ctx.services.settlement.listDisputes(window, open ?? null, ownPartner(ctx)), window, (d) => d.id, toDispute);
  }

  @Authorized('OPERATOR')
  @Mutation(() => SettlementDisputePayload, {
    description: 'Answers a dispute, with an adjustment into the open period when due. Closed statements never change.',
  })
  resolveSettlementDispute(
    @Arg('input', () => ResolveSettlementDisputeInput) input: ResolveSettlementDisputeInput,
    @Ctx() ctx: Context,
  ): Promise<SettlementDisputePayload> {
    return mutationPayload(SettlementDisputePayload, async () => ({
      dispute: toDispute(await ctx.services.settlement.resolveDispute(ctx.principal!, input)),
    }));
  }
}

@Resolver(() => SettlementStatement)
export class SettlementStatementResolver {
  @FieldResolver(() => SettlementPeriod)
  period(@Root() statement: SettlementStatement): SettlementPeriod {
    return toPeriod(statement.periodRow);
  }

  @FieldResolver(() => Partner)
  async partner(@Root() statement: SettlementStatement, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(statement.partnerId))!);
  }
}

@Resolver(() => SettlementDispute)
export class SettlementDisputeResolver {
  @FieldResolver(() => Partner, { description: 'The partner that disputes its line.' })
  async partner(@Root() dispute: SettlementDispute, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(dispute.partnerId))!);
  }
}

@Resolver(() => Partner)
export class PartnerStatementsResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => SettlementStatementConnection, {
    description:
      'Its statements across closed periods, newest period first. The operator and the partner itself; anyone else gets FORBIDDEN.',
  })
  async statements(
    @Root() partner: Partner,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<SettlementStatement>> {
    assertActsForPartner(ctx.principal, partner.localId, 'statements');
    const window = pageWindow(args);
    const rows = await ctx.services.settlement.statementsOfPartner(partner.localId, window);
    return toConnection(rows, window, (r) => `${r.period_id}:${r.currency}`, toStatement);
  }
}

@Resolver(() => SettlementLine)
export class SettlementLineResolver {
  @FieldResolver(() => SettlementItemConnection, { description: 'Drill-down: the exact items behind the line, oldest first.' })
  async items(
    @Root() line: SettlementLine,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<SettlementItem>> {
    assertActsForPartner(ctx.principal, line.partnerId, 'settlement items');
    const window = pageWindow(args);
    const rows = await ctx.services.settlement.items(line.periodId, line.partnerId, line.amount.currency, line.kind, window);
    return toConnection(rows, window, (r) => r.id, toItem);
  }
}

@Resolver(() => SettlementItem)
export class SettlementItemResolver {
  @FieldResolver(() => Transaction, {
    nullable: true,
    description: 'The ledger entry behind the item (none for gift-card uses and adjustments).',
  })
  async transaction(@Root() item: SettlementItem, @Ctx() ctx: Context): Promise<Transaction | null> {
    const entry = item.entryId ? await ctx.services.transactions.find(item.entryId) : null;
    return entry && entry.memberId && entry.memberPoints !== '0' ? toTransaction(entry) : null;
  }
}

/** `node(id:)` for periods (operator and partners) and payment instructions (the operator and their partner). */
export async function settlementPeriodNode(localId: string, ctx: Context): Promise<SettlementPeriod | null> {
  if (ctx.principal?.kind === 'MEMBER') return null;
  const row = await ctx.services.settlement.findPeriod(localId);
  return row && toPeriod(row);
}

export async function paymentInstructionNode(localId: string, ctx: Context): Promise<PaymentInstruction | null> {
  const row = await ctx.services.settlement.findInstruction(localId);
  if (!row || ctx.principal?.kind === 'MEMBER' || (ctx.principal?.kind === 'PARTNER' && ctx.principal.partnerId !== row.partner_id))
    return null;
  return instructionOf(row);
}
