import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar, DecimalScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';
import { Transaction } from '../ledger/transaction.types';
import { Member } from '../member/member.types';
import { Partner } from '../partner/partner.types';

export const ServiceCaseCategory = {
  BILLING: 'BILLING',
  PRODUCT: 'PRODUCT',
  SERVICE: 'SERVICE',
  POINTS: 'POINTS',
  OTHER: 'OTHER',
} as const;
export type ServiceCaseCategory = (typeof ServiceCaseCategory)[keyof typeof ServiceCaseCategory];
registerEnumType(ServiceCaseCategory, { name: 'ServiceCaseCategory', description: 'What a complaint is about.' });

export const ServiceCaseStatus = { OPEN: 'OPEN', OVERDUE: 'OVERDUE', RESOLVED: 'RESOLVED' } as const;
export type ServiceCaseStatus = (typeof ServiceCaseStatus)[keyof typeof ServiceCaseStatus];
registerEnumType(ServiceCaseStatus, {
  name: 'ServiceCaseStatus',
  valuesConfig: {
    OPEN: { description: 'Not resolved, follow-up not yet due.' },
    OVERDUE: { description: 'Not resolved, and the follow-up is past due.' },
    RESOLVED: { description: 'Resolved (once), possibly with goodwill points.' },
  },
});

@ObjectType('ServiceCase', { implements: Node, description: "A member's complaint and how it was put right." })
export class ServiceCase implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: "The member's card number." }) cardNumber!: string;
  @Field(() => ServiceCaseCategory) category!: ServiceCaseCategory;
  @Field(() => String) subject!: string;
  @Field(() => ServiceCaseStatus) status!: ServiceCaseStatus;
  @Field(() => String, { nullable: true, description: "The reference of the partner's purchase it concerns." })
  purchaseReference!: string | null;
  @Field(() => DateTimeScalar) openedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the member is to be called back.' }) followUpDueAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'What was done; also the reason shown with the goodwill points.' })
  resolution!: string | null;
  @Field(() => PointsScalar, { nullable: true, description: "Goodwill credited at resolution, at the resolver's cost." })
  goodwillPoints!: bigint | null;
  @Field(() => Int, { nullable: true, description: "The member's satisfaction, 1 (poor) to 5 (excellent)." })
  satisfaction!: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) ratedAt!: Date | null;
  /** Keys for field resolvers and visibility; not part of the schema. */
  localId!: string;
  partnerId!: string | null;
  memberId!: string;
}

export interface ServiceCaseRow {
  id: string;
  partner_id: string | null;
  member_id: string;
  card_number: string;
  purchase_reference: string | null;
  category: ServiceCaseCategory;
  subject: string;
  status: ServiceCaseStatus;
  opened_at: Date;
  follow_up_due_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  goodwill_points: string | null;
  satisfaction: number | null;
  rated_at: Date | null;
}

export function toServiceCase(r: ServiceCaseRow): ServiceCase {
  return Object.assign(new ServiceCase(), {
    id: toGlobalId('ServiceCase', r.id),
    localId: r.id,
    partnerId: r.partner_id,
    memberId: r.member_id,
    cardNumber: r.card_number,
    category: r.category,
    subject: r.subject,
    status: r.status,
    purchaseReference: r.purchase_reference,
    openedAt: r.opened_at,
    followUpDueAt: r.follow_up_due_at,
    resolvedAt: r.resolved_at,
    resolution: r.resolution,
    goodwillPoints: r.goodwill_points === null ? null : BigInt(r.goodwill_points),
    satisfaction: r.satisfaction,
    ratedAt: r.rated_at,
  });
}

export const ServiceCaseConnection = ConnectionType(ServiceCase, 'ServiceCase');

@ArgsType()
export class ServiceCasesArgs extends ConnectionArgs {
  @Field(() => ServiceCaseStatus, { nullable: true, description: 'Only cases in this status; all when empty.' })
  status?: ServiceCaseStatus | null;
}

@ArgsType()
export class AllServiceCasesArgs extends ServiceCasesArgs {
  @Field(() => ID, { nullable: true, description: "Only this partner's cases." }) partnerId?: string | null;
}

@InputType()
export class OpenServiceCaseInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => String, { description: '1 to 200 characters.' }) subject!: string;
  @Field(() => ServiceCaseCategory) category!: ServiceCaseCategory;
  @Field(() => ID, { nullable: true, description: "A purchase of the case's partner by this member." }) purchaseId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When to call the member back; in two days when empty.' })
  followUpDueAt?: Date | null;
  @Field(() => ID, {
    nullable: true,
    description: "Operator only: the partner the case is about (none when empty). A partner's case is always its own.",
  })
  partnerId?: string | null;
}

@ObjectType()
export class OpenServiceCasePayload {
  @Field(() => ServiceCase, { nullable: true }) serviceCase!: ServiceCase | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class ResolveServiceCaseInput {
  @Field(() => ID) caseId!: string;
  @Field(() => String, { description: 'Required, 3 to 2,000 characters; shown to the member.' }) resolution!: string;
  @Field(() => PointsScalar, {
    nullable: true,
    description: "Goodwill credited to the member at the resolver's cost: a partner's PROMOTION line, or the operator.",
  })
  goodwillPoints?: bigint | null;
  @Field(() => String) idempotencyKey!: string;
}

@ObjectType()
export class ResolveServiceCasePayload {
  @Field(() => ServiceCase, { nullable: true }) serviceCase!: ServiceCase | null;
  @Field(() => Transaction, { nullable: true, description: 'The goodwill credit, when points were given.' })
  transaction!: Transaction | null;
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class RateServiceCaseInput {
  @Field(() => ID) caseId!: string;
  @Field(() => Int, { description: '1 (poor) to 5 (excellent).' }) satisfaction!: number;
}

@ObjectType()
export class RateServiceCasePayload {
  @Field(() => ServiceCase, { nullable: true }) serviceCase!: ServiceCase | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: "One partner's service-case figures (partner empty: the operator's own cases)." })
export class ServiceCaseStats {
  @Field(() => Partner, { nullable: true }) partner!: Partner | null;
  @Field(() => Int) open!: number;
  @Field(() => Int) overdue!: number;
  @Field(() => Int) resolved!: number;
  @Field(() => DecimalScalar, { nullable: true, description: 'Median hours from opening to resolution, to 0.1 h.' })
  medianHoursToResolve!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: '90th percentile of the hours to resolve, to 0.1 h.' })
  p90HoursToResolve!: string | null;
  @Field(() => Int, { description: 'Resolved cases the member rated.' }) rated!: number;
  @Field(() => DecimalScalar, { nullable: true, description: 'Average satisfaction (1–5) of the rated cases, to 0.01.' })
  averageSatisfaction!: string | null;
  partnerId!: string | null;
}
