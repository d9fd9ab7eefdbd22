import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Context } from './context';
import { buildCoalitionSchema } from './schema';

/**
 * Apollo Server over the type-graphql schema. Server faults are logged with their stack and
 * reach the client only as INTERNAL_SERVER_ERROR, so no SQL or stack text leaks.
 */
export function createApolloServer(config: Config, log: Logger): ApolloServer<Context> {
  const production = config.env === 'production';
  return new ApolloServer<Context>({
    schema: buildCoalitionSchema(),
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
