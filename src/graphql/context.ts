import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { RetentionService } from '../analytics/retention.service';
import type { Principal } from '../auth/principal';
import { ActivityService } from '../activity/activity.service';
import { DonationService } from '../donation/donation.service';
import { PurchaseService } from '../earning/purchase.service';
import { EngagementService } from '../engagement/engagement.service';
import { ExpiryService } from '../expiry/expiry.service';
import { GiftCardService } from '../gift-card/gift-card.service';
import { Ledger } from '../ledger/ledger.service';
import { TransactionService } from '../ledger/transaction.service';
import { MemberLoaders, MemberService } from '../member/member.service';
import { MilesService } from '../miles/miles.service';
import { PartnerLoaders, PartnerService } from '../partner/partner.service';
import { PrivacyService } from '../privacy/privacy.service';
import { PromotionService } from '../promotion/promotion.service';
import type { Replica } from '../replica/replica-set';
import { RewardLoaders, RewardService } from '../reward/reward.service';
import { ServiceCaseService } from '../service-case/service-case.service';
import { SettingsService } from '../settings/settings.service';
import { SettlementService } from '../settlement/settlement.service';
import { StampCardService } from '../stamp-card/stamp-card.service';
import { TierService } from '../tier/tier.service';
import { WebhookService } from '../webhook/webhook.service';

/** One instance of each service for the life of the server. */
export interface Services {
  partners: PartnerService;
  members: MemberService;
  ledger: Ledger;
  transactions: TransactionService;
  purchases: PurchaseService;
  rewards: RewardService;
  giftCards: GiftCardService;
  promotions: PromotionService;
  engagement: EngagementService;
  expiry: ExpiryService;
  tiers: TierService;
  stampCards: StampCardService;
  miles: MilesService;
  serviceCases: ServiceCaseService;
  settings: SettingsService;
  settlement: SettlementService;
  webhooks: WebhookService;
  activity: ActivityService;
  donations: DonationService;
  privacy: PrivacyService;
  retention: RetentionService;
}

/** strictUrls: production's webhook URL rules (see src/webhook/webhook-url.ts). */
export function createServices(dataSource: DataSource, { strictUrls = true }: { strictUrls?: boolean } = {}): Services {
  const members = new MemberService(dataSource);
  return {
    partners: new PartnerService(dataSource),
    members,
    ledger: new Ledger(dataSource),
    transactions: new TransactionService(dataSource),
    purchases: new PurchaseService(dataSource),
    rewards: new RewardService(dataSource),
    giftCards: new GiftCardService(dataSource),
    promotions: new PromotionService(dataSource),
    engagement: new EngagementService(dataSource),
    expiry: new ExpiryService(dataSource),
    tiers: new TierService(dataSource),
    stampCards: new StampCardService(dataSource),
    miles: new MilesService(dataSource),
    serviceCases: new ServiceCaseService(dataSource),
    settings: new SettingsService(dataSource),
    settlement: new SettlementService(dataSource),
    webhooks: new WebhookService(dataSource, strictUrls),
    activity: new ActivityService(dataSource),
    donations: new DonationService(dataSource),
    privacy: new PrivacyService(dataSource, members),
    retention: new RetentionService(dataSource),
  };
}

/** Per request: batching loaders must not share a cache across callers with different rights. */
export interface Loaders extends PartnerLoaders, MemberLoaders, RewardLoaders {}

export interface Context {
  principal: Principal | null;
  requestId: string;
  log: Logger;
  services: Services;
  loaders: Loaders;
  reads: ReadRoute;
}

/**
 * Where a query operation read (src/replica), filled in by the replica plugin. An object of its
 * own because Apollo runs the operation on a shallow copy of the context, and the HTTP handler
 * needs to see `failed`: the operation then runs again with `primaryOnly`.
 */
export interface ReadRoute {
  primaryOnly: boolean;
  replica: Replica<Services> | null;
  failed: boolean;
}

export function createLoaders(services: Services): Loaders {
  return { ...services.partners.createLoaders(), ...services.members.createLoaders(), ...services.rewards.createLoaders() };
}
