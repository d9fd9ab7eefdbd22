import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Money, MoneyInput } from '../common/money';
import { ConnectionType, Node } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import type { PeriodRow } from './settlement.service';

export const SettlementLineKind = {
  ISSUANCE: 'ISSUANCE',
  PROMOTION: 'PROMOTION',
  SPONSORSHIP: 'SPONSORSHIP',
  REDEMPTION: 'REDEMPTION',
  GIFT_CARD: 'GIFT_CARD',
  MILES: 'MILES',
  BREAKAGE: 'BREAKAGE',
  ADJUSTMENT: 'ADJUSTMENT',
  DONATION: 'DONATION',
} as const;
export type SettlementLineKind = (typeof SettlementLineKind)[keyof typeof SettlementLineKind];
registerEnumType(SettlementLineKind, {
  name: 'SettlementLineKind',
  valuesConfig: {
    ISSUANCE: { description: 'Points issued net of returns × issuance price in force at posting: the partner pays.' },
    PROMOTION: { description: 'Bonus points the partner funded × its issuance price: the partner pays.' },
    SPONSORSHIP: { description: 'Its contribution per redemption of rewards it sponsors and another partner fulfils: the partner pays.' },
    REDEMPTION: { description: 'Points redeemed for VOUCHER rewards it fulfilled × redemption value per point: the partner receives.' },
    GIFT_CARD: { description: 'Gift-card value honoured at its tills × reimbursement rate: the partner receives.' },
    MILES: { description: 'Miles credited to its programme × price per mile: the airline receives.' },
    BREAKAGE: { description: 'Its share of the breakage on lots it funded: the partner receives.' },
    ADJUSTMENT: { description: 'Operator corrections, each with a reason.' },
    DONATION: { description: 'Points members donated to it (a charity) × its redemption value per point: the charity receives.' },
  },
});

/** Whole points behind a line, for the kinds measured in points (miles for MILES). */
export const POINT_KINDS: SettlementLineKind[] = ['ISSUANCE', 'PROMOTION', 'REDEMPTION', 'MILES', 'BREAKAGE', 'DONATION'];

@ObjectType('SettlementItem', { description: 'One money effect behind a line, exact (unrounded).' })
export class SettlementItem {
  @Field(() => ID) id!: string;
  @Field(() => SettlementLineKind) kind!: SettlementLineKind;
  @Field(() => PointsScalar, { description: 'Points (miles for MILES, minor units for GIFT_CARD, 1 for SPONSORSHIP and ADJUSTMENT).' })
  quantity!: bigint;
  @Field(() => DecimalScalar, { description: 'Exact amount in the currency; positive: the partner receives.' }) amount!: string;
  @Field(() => String) currency!: string;
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  entryId!: string | null;
}

export const SettlementItemConnection = ConnectionType(SettlementItem, 'SettlementItem');

@ObjectType('SettlementLine')
export class SettlementLine {
  @Field(() => SettlementLineKind) kind!: SettlementLineKind;
  @Field(() => PointsScalar, { nullable: true, description: 'Points behind the line (miles for MILES); null for money-only lines.' })
  points!: bigint | null;
  @Field(() => Money, { description: 'Rounded half away from zero once, for the whole line. Positive: the partner receives.' })
  amount!: Money;
  periodId!: string;
  partnerId!: string;
}

export const PaymentInstructionStatus = { OPEN: 'OPEN', PAID: 'PAID', CARRIED_FORWARD: 'CARRIED_FORWARD' } as const;
export type PaymentInstructionStatus = (typeof PaymentInstructionStatus)[keyof typeof PaymentInstructionStatus];
registerEnumType(PaymentInstructionStatus, {
  name: 'PaymentInstructionStatus',
  valuesConfig: {
    OPEN: { description: 'To be paid.' },
    PAID: { description: 'Marked paid by the operator, with the payment reference.' },
    CARRIED_FORWARD: { description: 'Not paid by the next close: its amount opens the next statement.' },
  },
});

@ObjectType('PaymentInstruction', {
  implements: Node,
  description: 'The one payment between the operator and a partner in a currency for a period.',
})
export class PaymentInstruction implements Node {
  @Field(() => ID) id!: string;
  @Field(() => Money, { description: 'Positive: the operator pays the partner; negative: the partner pays the operator.' }) amount!: Money;
  @Field(() => PaymentInstructionStatus) status!: PaymentInstructionStatus;
  @Field(() => String, { nullable: true }) paymentReference!: string | null;
  partnerId!: string;
}

@ObjectType('SettlementStatement')
export class SettlementStatement {
  @Field(() => String) currency!: string;
  @Field(() => [SettlementLine]) lines!: SettlementLine[];
  @Field(() => Money, { description: 'Sum of the lines. Positive: the partner receives.' }) net!: Money;
  @Field(() => Money, { description: 'Unpaid amount carried forward from the previous period.' }) openingBalance!: Money;
  @Field(() => Money, { description: 'openingBalance + net: what the payment instruction moves.' }) amountDue!: Money;
  @Field(() => PaymentInstruction, { nullable: true, description: 'Null when nothing is due.' })
  paymentInstruction!: PaymentInstruction | null;
  partnerId!: string;
  periodId!: string;
  /** Its period's row, read with the statement; the `period` field resolves from it. */
  periodRow!: PeriodRow;
}

@ObjectType('ConsolidatedNet', { description: "A partner's net in the period's base currency, at the rates locked at close." })
export class ConsolidatedNet {
  @Field(() => ID) partnerId!: string;
  @Field(() => Money) net!: Money;
}

@ObjectType('SettlementPeriod', { implements: Node })
export class SettlementPeriod implements Node {
  @Field(() => ID) id!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The previous period’s end; null for the first period.' })
  periodStart!: Date | null;
  @Field(() => DateTimeScalar) periodEnd!: Date;
  @Field(() => DateTimeScalar) closedAt!: Date;
  @Field(() => String, { nullable: true }) baseCurrency!: string | null;
  localId!: string;
}

export const SettlementPeriodConnection = ConnectionType(SettlementPeriod, 'SettlementPeriod');
export const SettlementStatementConnection = ConnectionType(SettlementStatement, 'SettlementStatement');

@InputType()
export class FxRateInput {
  @Field(() => String) currency!: string;
  @Field(() => DecimalScalar, { description: 'Units of the base currency for one unit of this currency.' }) rate!: string;
}

@InputType()
export class CloseSettlementPeriodInput {
  @Field(() => DateTimeScalar, { description: 'Everything posted before this instant and not yet settled falls in the period.' })
  periodEnd!: Date;
  @Field(() => String, { nullable: true, description: 'For the consolidated view: every other currency needs a rate.' }) baseCurrency?:
    string | null;
  @Field(() => [FxRateInput], { nullable: true }) fxRates?: FxRateInput[] | null;
}

@ObjectType()
export class CloseSettlementPeriodPayload {
  @Field(() => SettlementPeriod, { nullable: true }) period!: SettlementPeriod | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class MarkPaymentInstructionPaidInput {
  @Field(() => ID) instructionId!: string;
  @Field(() => String) paymentReference!: string;
}

@ObjectType()
export class MarkPaymentInstructionPaidPayload {
  @Field(() => PaymentInstruction, { nullable: true }) paymentInstruction!: PaymentInstruction | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class PostSettlementAdjustmentInput {
  @Field(() => ID) partnerId!: string;
  @Field(() => MoneyInput, { description: "Signed, in the partner's currency: positive credits the partner." }) amount!: MoneyInput;
  @Field(() => String) reason!: string;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class PostSettlementAdjustmentPayload {
  @Field(() => SettlementItem, { nullable: true }) item!: SettlementItem | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType('SettlementDispute', { implements: Node })
export class SettlementDispute implements Node {
  @Field(() => ID) id!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => SettlementLineKind) kind!: SettlementLineKind;
  @Field(() => String) currency!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) resolution!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt!: Date | null;
  partnerId!: string;
}

export const SettlementDisputeConnection = ConnectionType(SettlementDispute, 'SettlementDispute');

@InputType()
export class DisputeSettlementLineInput {
  @Field(() => ID) periodId!: string;
  @Field(() => SettlementLineKind) kind!: SettlementLineKind;
  @Field(() => String) currency!: string;
  @Field(() => String) reason!: string;
}

@InputType()
export class ResolveSettlementDisputeInput {
  @Field(() => ID) disputeId!: string;
  @Field(() => MoneyInput, { nullable: true, description: 'An adjustment posted into the open period; none when the line stands.' })
  adjustment?: MoneyInput | null;
  @Field(() => String) resolution!: string;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class SettlementDisputePayload {
  @Field(() => SettlementDispute, { nullable: true }) dispute!: SettlementDispute | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType('LiabilityLine', { description: 'Outstanding points funded by one partner (or the operator).' })
export class LiabilityLine {
  @Field(() => ID, { nullable: true, description: 'The funding partner; null for operator-funded points.' }) fundingPartnerId!:
    string | null;
  @Field(() => PointsScalar) outstandingPoints!: bigint;
  @Field(() => Money, {
    nullable: true,
    description: "At the funding partner's redemption value per point; null for the operator's own points.",
  })
  redemptionValue!: Money | null;
  @Field(() => PointsScalar, { description: 'outstandingPoints × (1 − expected redemption rate), rounded down.' })
  expectedBreakagePoints!: bigint;
}

@ObjectType('PointsLiability', {
  description: 'What the coalition owes in unspent points, and how much of it history says will never be redeemed.',
})
export class PointsLiability {
  @Field(() => PointsScalar) outstandingPoints!: bigint;
  @Field(() => DecimalScalar, {
    description: 'Points spent ÷ (spent + expired) over all history; 1 when nothing has been spent or expired yet.',
  })
  expectedRedemptionRate!: string;
  @Field(() => PointsScalar) expectedBreakagePoints!: bigint;
  @Field(() => [LiabilityLine]) byFundingPartner!: LiabilityLine[];
}
