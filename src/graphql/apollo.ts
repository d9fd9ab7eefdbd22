import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Config } from '../config/config';
import type { Context, Services } from './context';
import { replicaPlugin } from '../replica/replica.plugin';
import type { ReplicaSet } from '../replica/replica-set';
import { rateLimitPlugin } from '../rate-limit/rate-limit.plugin';
import { buildCoalitionSchema } from './schema';

/** Limits on one GraphQL document; the deepest query the API needs (settlement drill-down to a transaction) is depth 8. */
export const QUERY_LIMITS = { depth: 10, cost: 5000, aliases: 15, directives: 20, tokens: 2000 } as const;

/**
 * Every answer is for one caller and the schema sets no cache hints, so Apollo's cache-control
 * plugin could only ever answer `no-store`, at the cost of wrapping every field of every read in a
 * hook (the read path's profile); the header is set here instead.
 */
const noStore: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/**
 * Apollo Server over the type-graphql schema. Server faults are logged with their stack and
 * reach the client only as INTERNAL_SERVER_ERROR, so no SQL or stack text leaks.
 */
export function createApolloServer(
  config: Config,
  log: Logger,
  limiter: RateLimiterAbstract,
  replicas: ReplicaSet<Services> | null = null,
): ApolloServer<Context> {
  const production = config.env === 'production';
  // Hostile documents are refused before execution: depth, cost, aliases, directives, tokens.
  // Batched HTTP requests stay off: one operation per request.
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.depth },
    costLimit: { maxCost: QUERY_LIMITS.cost },
    maxAliases: { n: QUERY_LIMITS.aliases },
    maxDirectives: { n: QUERY_LIMITS.directives },
    // Armor's token plugin turns every syntax error into a 500; graphql-js's own parse limit does it cleanly.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return new ApolloServer<Context>({
    schema: buildCoalitionSchema(),
    plugins: [
      ...armor.plugins,
      rateLimitPlugin(config.rateLimitPerSecond, limiter),
      ApolloServerPluginCacheControlDisabled(),
      noStore,
      ...(replicas ? [replicaPlugin(replicas)] : []),
    ],
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError(formatted, error) {
      if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
      log.error({ err: unwrapResolverError(error), path: formatted.path }, 'unhandled error');
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
