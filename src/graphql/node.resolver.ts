import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { activityRuleNode } from '../activity/activity.resolver';
import { fromGlobalId, Node } from '../common/relay';
import { donationNode } from '../donation/donation.resolver';
import { purchaseNode } from '../earning/purchase.resolver';
import { giftCardNode } from '../gift-card/gift-card.resolver';
import { transactionNode } from '../ledger/transaction.resolver';
import { redemptionNode, rewardNode, voucherNode } from '../reward/reward.resolver';
import { paymentInstructionNode, settlementPeriodNode } from '../settlement/settlement.resolver';
import { memberNode } from '../member/member.resolver';
import { milesTransferNode } from '../miles/miles.resolver';
import { partnerApiKeyNode, partnerNode } from '../partner/partner.resolver';
import { serviceCaseNode } from '../service-case/service-case.resolver';
import { webhookEndpointNode } from '../webhook/webhook.resolver';
import type { Context } from './context';

/**
 * Each node type's fetcher applies that type's visibility rule; an object the caller may not see
 * answers null, exactly as one that does not exist, so IDs leak nothing.
 */
const nodeFetchers: Record<string, (localId: string, ctx: Context) => Promise<Node | null>> = {
  Partner: partnerNode,
  PartnerApiKey: partnerApiKeyNode,
  Member: memberNode,
  Transaction: transactionNode,
  Purchase: purchaseNode,
  Reward: rewardNode,
  Redemption: redemptionNode,
  Voucher: voucherNode,
  GiftCard: giftCardNode,
  MilesTransfer: milesTransferNode,
  SettlementPeriod: settlementPeriodNode,
  PaymentInstruction: paymentInstructionNode,
  WebhookEndpoint: webhookEndpointNode,
  ServiceCase: serviceCaseNode,
  ActivityRule: activityRuleNode,
  Donation: donationNode,
};

@Resolver()
export class NodeResolver {
  @Authorized()
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID, if the caller may see it.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    const fetch = parsed && nodeFetchers[parsed.typeName];
    return fetch ? fetch(parsed.localId, ctx) : null;
  }
}
