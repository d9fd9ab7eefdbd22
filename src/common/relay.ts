import { GraphQLError } from 'graphql';
import { ArgsType, ClassType, Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';

/**
 * Relay conventions shared by every capability: opaque global IDs, the Node interface, and
 * cursor connections paged by keyset (never OFFSET), capped at MAX_PAGE items.
 */

@InterfaceType('Node', { description: 'An object with a globally unique, opaque ID; fetch any of them with `node(id:)`.' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

/** A type name and a database key packed into one opaque ID. */
export function toGlobalId(typeName: string, localId: string | bigint): string {
  return Buffer.from(`${typeName}:${localId}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { typeName: string; localId: string } | null {
  if (globalId.length > 200 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([0-9]{1,19})$/.exec(decoded);
  return match ? { typeName: match[1], localId: match[2] } : null;
}

/** The local id of a global ID of the expected type, or null when it is malformed or of another type. */
export function localIdOf(globalId: string, typeName: string): string | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.typeName === typeName ? parsed.localId : null;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE}.` }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE}.` }) last?: number | null;
  @Field(() => String, { nullable: true }) before?: string | null;
}

/** What a keyset query needs: the bounds (already-decoded sort keys), how many, and the direction. */
export interface PageWindow {
  after: string | null;
  before: string | null;
  /** Rows to return; fetch limit + 1 to learn whether more exist. */
  limit: number;
  /** true when paging with last/before: fetch in descending order and reverse. */
  backward: boolean;
}

function badPage(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(key: string): string {
  return Buffer.from(`cursor:${key}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | null | undefined, argName: string): string | null {
  if (cursor === null || cursor === undefined) return null;
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!decoded.startsWith('cursor:')) throw badPage(`"${argName}" is not a cursor returned by this API`);
  return decoded.slice('cursor:'.length);
}

export function pageWindow(args: ConnectionArgs): PageWindow {
  const { first, last } = args;
  if (first != null && last != null) throw badPage('Pass either "first" or "last", not both');
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE)) throw badPage(`"${name}" must be between 0 and ${MAX_PAGE}`);
  }
  const backward = last != null || (first == null && args.before != null);
  return {
    after: decodeCursor(args.after, 'after'),
    before: decodeCursor(args.before, 'before'),
    limit: (backward ? last : first) ?? DEFAULT_PAGE,
    backward,
  };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * Shapes rows fetched for `window` (up to limit + 1, in fetch order) into a connection.
 * `keyOf` gives each row's sort key, the value its cursor encodes.
 */
export function toConnection<R, T>(rows: R[], window: PageWindow, keyOf: (row: R) => string, toNode: (row: R) => T): ConnectionShape<T> {
  const hasMore = rows.length > window.limit;
  const page = rows.slice(0, window.limit);
  if (window.backward) page.reverse();
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: window.backward ? window.before !== null : hasMore,
      hasPreviousPage: window.backward ? hasMore : window.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Declares `<Name>Edge` and `<Name>Connection` GraphQL types for a node type. */
export function ConnectionType<T extends object>(NodeType: ClassType<T>, name: string): ClassType<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String) cursor!: string;
    @Field(() => NodeType) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return Connection;
}

/**
 * Keyset paging on a bigint id column of a TypeORM query (`column` like 'p.id'), in `order` when
 * paging forward (first/after) and the other way when paging backward (last/before).
 */
export function applyIdKeyset<Q extends SelectQuery>(
  query: Q,
  column: string,
  window: PageWindow,
  order: 'ASC' | 'DESC' = 'ASC',
  /** A column fixed by an equality filter that leads the index, ordered first so the plan follows that index. */
  leadingColumn?: string,
): Q {
  const ascending = order === 'ASC';
  for (const [name, bound, later] of [
    ['afterKey', window.after, true],
    ['beforeKey', window.before, false],
  ] as const) {
    if (bound === null) continue;
    if (!/^[0-9]{1,19}$/.test(bound)) throw badPage('cursor is not one returned by this list');
    query.andWhere(`${column} ${later === ascending ? '>' : '<'} :${name}`, { [name]: bound });
  }
  const direction = ascending !== window.backward ? 'ASC' : 'DESC';
  if (leadingColumn) query.orderBy(leadingColumn, direction).addOrderBy(column, direction);
  else query.orderBy(column, direction);
  return query.limit(window.limit + 1);
}

/** A sort key of a plain SQL list: its columns in order, each with its SQL type and literals below and above every value. */
export interface SqlSortKey {
  columns: { column: string; type: string; lowest: string; highest: string }[];
  /** What the key in a cursor looks like (the columns' values joined with ":"). */
  valid: RegExp;
}

export const idSortKey = (column: string): SqlSortKey => ({
  columns: [{ column, type: 'bigint', lowest: '0', highest: '9223372036854775807' }],
  valid: /^[0-9]{1,19}$/,
});

/**
 * The keyset of applyIdKeyset for a statement sent with queryRows: `where` bounds the key by the
 * cursors and `orderLimit` orders and limits, with parameters numbered from `$from`. Absent cursors
 * fall back to the key's extremes rather than `$n IS NULL OR …`, so even a prepared statement's
 * generic plan reads an index range from the cursor on instead of filtering from the start.
 */
export function sqlKeyset(
  key: SqlSortKey,
  window: PageWindow,
  order: 'ASC' | 'DESC',
  from: number,
): { where: string; orderLimit: string; params: unknown[] } {
  const width = key.columns.length;
  const values = (cursor: string | null): (string | null)[] => {
    if (cursor === null) return Array<null>(width).fill(null);
    if (!key.valid.test(cursor)) throw badPage('cursor is not one returned by this list');
    return cursor.split(':');
  };
  const tuple = `(${key.columns.map((c) => c.column).join(', ')})`;
  const bound = (at: number, fallback: 'lowest' | 'highest') =>
    `(${key.columns.map((c, i) => `coalesce($${at + i}::${c.type}, ${c[fallback]})`).join(', ')})`;
  const ascending = order === 'ASC';
  const [lowerAt, upperAt] = ascending ? [from, from + width] : [from + width, from];
  const direction = ascending !== window.backward ? 'ASC' : 'DESC';
  return {
    where: `${tuple} > ${bound(lowerAt, 'lowest')} AND ${tuple} < ${bound(upperAt, 'highest')}`,
    orderLimit: `ORDER BY ${key.columns.map((c) => `${c.column} ${direction}`).join(', ')} LIMIT $${from + 2 * width}`,
    params: [...values(window.after), ...values(window.before), window.limit + 1],
  };
}

interface SelectQuery {
  andWhere(where: string, params: Record<string, unknown>): unknown;
  orderBy(sort: string, order: 'ASC' | 'DESC'): this;
  addOrderBy(sort: string, order: 'ASC' | 'DESC'): this;
  limit(n: number): this;
}
