import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { ActivityResolver } from '../activity/activity.resolver';
import { authChecker } from '../auth/auth-checker';
import { DateTimeScalar } from '../common/scalars';
import { DonationResolver, MemberDonationsResolver } from '../donation/donation.resolver';
import { RetentionResolver } from '../analytics/retention.resolver';
import { PartnerPurchasesResolver, PurchaseResolver } from '../earning/purchase.resolver';
import { EngagementResolver } from '../engagement/engagement.resolver';
import { ExpiryResolver, MemberExpiryResolver } from '../expiry/expiry.resolver';
import { GiftCardResolver, MemberGiftCardsResolver } from '../gift-card/gift-card.resolver';
import { MemberTransactionsResolver, TransactionResolver } from '../ledger/transaction.resolver';
import { MemberResolver } from '../member/member.resolver';
import { MemberMilesResolver, MilesRatioResolver, MilesResolver, PartnerMilesResolver } from '../miles/miles.resolver';
import { PartnerResolver } from '../partner/partner.resolver';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import { PromotionResolver } from '../promotion/promotion.resolver';
import { MemberRewardsResolver, RedemptionResolver, RewardResolver } from '../reward/reward.resolver';
import {
  MemberServiceCasesResolver,
  PartnerServiceCasesResolver,
  ServiceCaseResolver,
  ServiceCaseStatsResolver,
} from '../service-case/service-case.resolver';
import { SettingsResolver } from '../settings/settings.resolver';
import { PointsFlowResolver } from '../settlement/points-flow';
import {
  PartnerStatementsResolver,
  SettlementDisputeResolver,
  SettlementItemResolver,
  SettlementLineResolver,
  SettlementResolver,
  SettlementStatementResolver,
} from '../settlement/settlement.resolver';
import { MemberStampCardsResolver, StampCardResolver } from '../stamp-card/stamp-card.resolver';
import { MemberTierResolver, TierResolver } from '../tier/tier.resolver';
import { PartnerWebhooksResolver, WebhookResolver } from '../webhook/webhook.resolver';
import { ViewerResolver } from '../auth/viewer.resolver';
import { NodeResolver } from './node.resolver';

export const resolvers = [
  NodeResolver,
  ViewerResolver,
  PartnerResolver,
  MemberResolver,
  PrivacyResolver,
  MemberTransactionsResolver,
  TransactionResolver,
  PurchaseResolver,
  PartnerPurchasesResolver,
  RewardResolver,
  RedemptionResolver,
  MemberRewardsResolver,
  GiftCardResolver,
  MemberGiftCardsResolver,
  ExpiryResolver,
  MemberExpiryResolver,
  PromotionResolver,
  RetentionResolver,
  EngagementResolver,
  TierResolver,
  MemberTierResolver,
  StampCardResolver,
  MemberStampCardsResolver,
  MilesResolver,
  MilesRatioResolver,
  MemberMilesResolver,
  PartnerMilesResolver,
  SettingsResolver,
  SettlementResolver,
  SettlementStatementResolver,
  PartnerStatementsResolver,
  SettlementLineResolver,
  SettlementItemResolver,
  SettlementDisputeResolver,
  PointsFlowResolver,
  WebhookResolver,
  PartnerWebhooksResolver,
  ServiceCaseResolver,
  ServiceCaseStatsResolver,
  PartnerServiceCasesResolver,
  MemberServiceCasesResolver,
  ActivityResolver,
  DonationResolver,
  MemberDonationsResolver,
] as const;

let built: GraphQLSchema | null = null;

/** The executable schema, built once (type-graphql metadata is global). */
export function buildCoalitionSchema(): GraphQLSchema {
  built ??= buildSchemaSync({
    resolvers,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
  });
  return built;
}

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printCoalitionSchema(): string {
  return printSchema(lexicographicSortSchema(buildCoalitionSchema())) + '\n';
}
