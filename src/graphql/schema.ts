import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { DateTimeScalar } from '../common/scalars';
import { PurchaseResolver } from '../earning/purchase.resolver';
import { GiftCardResolver, MemberGiftCardsResolver } from '../gift-card/gift-card.resolver';
import { MemberRewardsResolver, RedemptionResolver, RewardResolver } from '../reward/reward.resolver';
import { MemberTransactionsResolver, TransactionResolver } from '../ledger/transaction.resolver';
import { MemberResolver } from '../member/member.resolver';
import { PartnerResolver } from '../partner/partner.resolver';
import { NodeResolver } from './node.resolver';

export const resolvers = [
  NodeResolver,
  PartnerResolver,
  MemberResolver,
  MemberTransactionsResolver,
  TransactionResolver,
  PurchaseResolver,
  RewardResolver,
  RedemptionResolver,
  MemberRewardsResolver,
  GiftCardResolver,
  MemberGiftCardsResolver,
] as const;

let built: GraphQLSchema | null = null;

/** The executable schema; built once per process (type-graphql metadata is global). */
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
