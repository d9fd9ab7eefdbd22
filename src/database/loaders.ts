import DataLoader from 'dataloader';
import { DataSource, FindOptionsWhere, In, Repository } from 'typeorm';
import { queryRows } from './data-source';

/** A per-request loader of entities by id: one query per batch, answers in the order asked. */
export function byIdLoader<E extends { id: string }>(repository: Repository<E>): DataLoader<string, E | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await repository.findBy({ id: In([...ids]) } as FindOptionsWhere<E>)).map((e) => [e.id, e]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * A process-wide lookup by key for the hottest reads: the lookups of all requests arriving in one
 * turn of the event loop leave in one statement (`sql` takes the keys as $1, a text array). Under
 * load a request's own round trip (a socket write each way) costs more than the lookup. Nothing is
 * kept past the statement, so each caller sees what a statement of its own would have; callers
 * authorize before they look up, and decide whether a failed lookup is retried (a replica's
 * failure must reach the replica plugin, which runs the read again on the primary).
 */
export function gatheredLookup<R extends Record<string, unknown>>(
  dataSource: DataSource,
  sql: string,
  keyOf: (row: R) => string,
): DataLoader<string, R | null> {
  return new DataLoader(
    async (keys) => {
      const rows = await queryRows<R>(dataSource, sql, [keys]);
      const found = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => found.get(key) ?? null);
    },
    { cache: false, maxBatchSize: MAX_GATHERED_KEYS, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
}

/** Keys per gathered statement, at most. */
const MAX_GATHERED_KEYS = 500;
