import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { principalRef } from '../auth/principal';
import { Context, createLoaders, Services } from '../graphql/context';
import { parseLsn } from './lsn';
import { isReplicaFailure, ReplicaSet } from './replica-set';

/** Sent with a mutation's response, and accepted back: the WAL position the caller's next reads must see. */
export const LSN_HEADER = 'coalition-lsn';

/**
 * Routes each query operation to a replica (the context's services and loaders become the
 * replica's) and records every mutation's WAL position. Mutations, and everything outside
 * GraphQL, use the primary.
 */
export function replicaPlugin(replicas: ReplicaSet<Services>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue, request }) {
          const given = request.http?.headers.get(LSN_HEADER);
          const lsn = given === undefined ? null : parseLsn(given);
          if (given !== undefined && lsn === null) {
            throw new GraphQLError(`${LSN_HEADER} must be a WAL position such as 0/16B3748`, {
              extensions: { code: 'INVALID_LSN', http: { status: 400 } },
            });
          }
          if (operation?.operation !== 'query' || contextValue.reads.primaryOnly) return;
          const principal = contextValue.principal ? principalRef(contextValue.principal) : null;
          const replica = replicas.pick(replicas.required(principal, lsn));
          if (!replica) return;
          contextValue.reads.replica = replica;
          contextValue.services = replica.services;
          contextValue.loaders = createLoaders(replica.services);
        },
        async didEncounterErrors({ errors, contextValue }) {
          if (contextValue.reads.replica && errors.some((e) => isReplicaFailure(e.originalError))) contextValue.reads.failed = true;
        },
        async willSendResponse({ operation, contextValue, response }) {
          if (operation?.operation !== 'mutation') return;
          const principal = contextValue.principal ? principalRef(contextValue.principal) : null;
          response.http.headers.set(LSN_HEADER, await replicas.recordWrite(principal));
        },
      };
    },
  };
}
