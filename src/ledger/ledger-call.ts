import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/data-source';
import { isConnectionLost, isRetryable } from '../database/postgres-errors';
import { ledgerBusy } from './ledger.errors';

/** A caller-chosen key, unique per principal (`scope`); `request` is what makes two uses "the same request". */
export interface Idempotency {
  scope: string;
  key: string;
  request: unknown;
}

const MAX_ATTEMPTS = 8;

/**
 * Calls one value-moving SQL function whose first three parameters are the idempotency scope, key
 * and request fingerprint: one round trip, retried on deadlock or serialization failure (the failed
 * attempt left no trace), refusals turned into BusinessErrors. `operation` is the function name,
 * optionally with a `:variant` that also tells fingerprints apart.
 */
export async function callLedgerFunction(
  dataSource: DataSource,
  operation: string,
  idempotency: Idempotency | undefined,
  params: unknown[],
): Promise<Record<string, unknown>> {
  const keyed = idempotency && { scope: idempotency.scope, key: idempotency.key, fingerprint: fingerprint(operation, idempotency.request) };
  return callKeyedFunction(dataSource, operation.split(':')[0], keyed, params);
}

/** callLedgerFunction for a caller that already holds the request's fingerprint. */
export async function callKeyedFunction(
  dataSource: DataSource,
  fn: string,
  keyed: { scope: string; key: string; fingerprint: Buffer } | undefined,
  params: unknown[],
): Promise<Record<string, unknown>> {
  const all = [keyed?.scope ?? null, keyed?.key ?? null, keyed?.fingerprint ?? null, ...params];
  const placeholders = all.map((_, i) => `$${i + 1}`).join(', ');
  // A keyed call that lost its connection is safe to repeat: if it did commit, it replays.
  const [row] = await withRetry(
    () => queryRows<{ result: Record<string, unknown> }>(dataSource, `SELECT ${fn}(${placeholders}) AS result`, all),
    { connectionLost: keyed !== undefined },
  );
  return row.result;
}

/**
 * Runs `run` again on deadlock or serialization failure, and, with `connectionLost` (only for
 * idempotent calls), when the database connection died under it.
 */
export async function withRetry<T>(run: () => Promise<T>, opts: { connectionLost?: boolean } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isRetryable(err) && !(opts.connectionLost && isConnectionLost(err))) throw err;
      if (attempt >= MAX_ATTEMPTS) throw ledgerBusy();
      await sleep(Math.random() * 5 * 2 ** attempt);
    }
  }
}

/** SHA-256 of the operation and its request in a canonical JSON form (sorted keys, bigints as strings). */
export function fingerprint(operation: string, request: unknown): Buffer {
  return createHash('sha256').update(operation).update('\0').update(canonicalJson(request)).digest();
}

function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
