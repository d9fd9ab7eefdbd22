import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { MiddlewareFn } from 'type-graphql';
import { principalRef } from '../auth/principal';
import type { Context } from '../graphql/context';

/**
 * Mutations that move points or money. Each caller (operator, partner key, member) may send at
 * most `perSecond` of them per second, counted in this process; past that: RATE_LIMITED (HTTP 429),
 * nothing applied, safe to retry with the same idempotency key.
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

export function rateLimitMiddleware(perSecond: number): MiddlewareFn<Context> {
  const limiter = new RateLimiterMemory({ points: perSecond, duration: 1 });
  return async ({ context, info }, next) => {
    if (info.parentType.name === 'Mutation' && VALUE_MOVING.has(info.fieldName) && context.principal) {
      try {
        await limiter.consume(principalRef(context.principal));
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        const retryAfter = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
        throw new GraphQLError(`More than ${perSecond} value-moving requests a second from this caller; retry after ${retryAfter} s`, {
          extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', retryAfter]]) } },
        });
      }
    }
    return next();
  };
}
