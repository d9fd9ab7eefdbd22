import type { ApolloServerPlugin } from '@apollo/server';
import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode } from 'graphql';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { principalRef } from '../auth/principal';
import type { Context } from '../graphql/context';

/**
 * Mutations that move points or money. Each caller (operator, partner key, member) may send at
 * most `perSecond` of them per second, counted across all server processes (rate-limiter.ts); past that the whole operation is
 * refused with RATE_LIMITED (HTTP 429), nothing applied, safe to retry with the same idempotency key.
 */
const VALUE_MOVING = new Set([
  'recordPurchase',
  'recordPurchases',
  'recordReturn',
  'redeemReward',
  'redeemGiftCard',
  'grantGoodwill',
  'submitSurvey',
  'convertPointsToMiles',
  'confirmMilesTransfer',
  'rejectMilesTransfer',
  'convertMilesToPoints',
  'postSettlementAdjustment',
]);

/** Value-moving root fields of a mutation, through inline fragments and fragment spreads. */
function valueMovingFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += VALUE_MOVING.has(selection.name.value) ? 1 : 0;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += valueMovingFields(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += valueMovingFields(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/**
 * Checked once per operation, before execution (a per-field resolver middleware cost every field
 * of every read a promise and a wrapper).
 */
export function rateLimitPlugin(perSecond: number, limiter: RateLimiterAbstract): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== 'mutation' || !contextValue.principal) return;
          const fragments = new Map(
            document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
          );
          const count = valueMovingFields(operation.selectionSet, fragments);
          if (count === 0) return;
          try {
            await limiter.consume(principalRef(contextValue.principal), count);
          } catch (res) {
            if (!(res instanceof RateLimiterRes)) throw res;
            const retryAfter = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
            throw new GraphQLError(`More than ${perSecond} value-moving requests a second from this caller; retry after ${retryAfter} s`, {
              extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', retryAfter]]) } },
            });
          }
        },
      };
    },
  };
}
