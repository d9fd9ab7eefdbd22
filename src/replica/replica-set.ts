import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource, queryRows } from '../database/data-source';
import { isConnectionLost, sqlState } from '../database/postgres-errors';
import { redactedUrl } from '../server/logger';
import { formatLsn, parseLsn } from './lsn';

/** How often replica positions are read: a read never waits for one. */
export const REPLICA_POLL_MS = 200;

/** 25006: a write reached a replica (read_only_sql_transaction); the read is run again on the primary. */
const READ_ONLY = '25006';

export interface Replica<S> {
  /** Its URL with the password masked: what logs name it by. */
  name: string;
  dataSource: DataSource;
  /** The services built on this replica's pool, which a query operation's resolvers use. */
  services: S;
  /** Replay position at the last poll; null while unreachable. */
  replayLsn: bigint | null;
  /** The highest replay position ever seen: a replica that comes back is at least there. */
  seenLsn: bigint;
  lagMs: number;
}

/**
 * The streaming replicas and what each caller has written. A read needing WAL position X (its
 * caller's last write, or the Coalition-LSN it sends) goes to a replica that has replayed X and lags
 * the primary by at most `maxLagMs`, otherwise to the primary.
 *
 * Lag is time, not bytes: how long ago the primary was first seen past the replica's replay
 * position. `now() - pg_last_xact_replay_timestamp()` would instead grow on an idle primary.
 */
export class ReplicaSet<S> {
  /** Principal → WAL position after its last write; dropped once every replica has replayed it. */
  private readonly writes = new Map<string, bigint>();
  /** The primary's position at recent polls, oldest first. */
  private primarySamples: { at: number; lsn: bigint }[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly primary: DataSource,
    readonly replicas: Replica<S>[],
    private readonly maxLagMs: number,
    private readonly log: Logger,
  ) {}

  /** Opens a pool per replica; one unreachable now only starts out skipped. */
  static async open<S>(
    primary: DataSource,
    urls: string[],
    maxLagMs: number,
    servicesOn: (dataSource: DataSource) => S,
    log: Logger,
  ): Promise<ReplicaSet<S>> {
    const replicas = urls.map((url) => {
      const dataSource = createDataSource(url, { replica: true });
      return { name: redactedUrl(url), dataSource, services: servicesOn(dataSource), replayLsn: null, seenLsn: 0n, lagMs: 0 };
    });
    const set = new ReplicaSet(primary, replicas, maxLagMs, log);
    await set.poll();
    set.schedule();
    return set;
  }

  /** A replica current enough for a read that must see `lsn`; null: read from the primary. */
  pick(lsn: bigint | null): Replica<S> | null {
    const usable = this.replicas.filter((r) => r.replayLsn !== null && r.lagMs <= this.maxLagMs && (lsn === null || r.replayLsn >= lsn));
    return usable.length === 0 ? null : usable[this.next++ % usable.length];
  }

  /** The position a read by `principal` must see: its own last write here, or what it says it saw elsewhere. */
  required(principal: string | null, given: bigint | null): bigint | null {
    const own = principal === null ? undefined : this.writes.get(principal);
    if (own === undefined) return given;
    return given === null || own > given ? own : given;
  }

  /**
   * Called after a mutation committed: the primary's insert position is past its commit record
   * (even with synchronous_commit off, when the flush position may not be yet).
   */
  async recordWrite(principal: string | null): Promise<string> {
    const [row] = await queryRows<{ lsn: string }>(this.primary, 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
    const lsn = parseLsn(row.lsn)!;
    if (principal !== null && (this.writes.get(principal) ?? 0n) < lsn) this.writes.set(principal, lsn);
    return formatLsn(lsn);
  }

  /** Skipped until the next poll finds it answering. */
  markDown(replica: Replica<S>): void {
    replica.replayLsn = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await Promise.all(this.replicas.filter((r) => r.dataSource.isInitialized).map((r) => r.dataSource.destroy()));
  }

  /** The next poll starts after this one ends: a hanging replica (connect timeout) must not pile polls up. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.polling = this.poll().then(() => {
        if (!this.closed) this.schedule();
      });
    }, REPLICA_POLL_MS);
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    try {
      const [row] = await queryRows<{ lsn: string }>(this.primary, 'SELECT pg_current_wal_lsn()::text AS lsn');
      this.primarySamples.push({ at: now, lsn: parseLsn(row.lsn)! });
    } catch (err) {
      this.log.warn({ err }, 'primary WAL position unavailable');
    }
    // Samples older than the bound are not needed: a replica behind all of them lags too much anyway.
    while (this.primarySamples.length > 1 && this.primarySamples[1].at < now - this.maxLagMs - REPLICA_POLL_MS) this.primarySamples.shift();
    await Promise.all(this.replicas.map((replica) => this.pollReplica(replica, now)));
    const replayedEverywhere = this.replicas.reduce((min, r) => (r.seenLsn < min ? r.seenLsn : min), this.replicas[0].seenLsn);
    for (const [principal, lsn] of this.writes) if (lsn <= replayedEverywhere) this.writes.delete(principal);
  }

  private async pollReplica(replica: Replica<S>, now: number): Promise<void> {
    try {
      if (!replica.dataSource.isInitialized) await replica.dataSource.initialize();
      const [row] = await queryRows<{ lsn: string | null }>(replica.dataSource, 'SELECT pg_last_wal_replay_lsn()::text AS lsn');
      const lsn = row.lsn === null ? null : parseLsn(row.lsn);
      if (lsn === null) throw new Error('not a streaming replica (pg_last_wal_replay_lsn() is null)');
      if (replica.replayLsn === null) this.log.info({ replica: replica.name }, 'replica serving reads');
      replica.replayLsn = lsn;
      if (lsn > replica.seenLsn) replica.seenLsn = lsn;
      const behindSince = this.primarySamples.find((s) => s.lsn > lsn)?.at;
      replica.lagMs = behindSince === undefined ? 0 : now - behindSince;
    } catch (err) {
      if (replica.replayLsn !== null) this.log.warn({ err, replica: replica.name }, 'replica unreachable: reads go to the primary');
      replica.replayLsn = null;
    }
  }
}

/** A read that failed on a replica for a reason of the replica's, so is worth running on the primary. */
export function isReplicaFailure(err: unknown): boolean {
  return isConnectionLost(err) || sqlState(err) === READ_ONLY || /timeout exceeded when trying to connect/i.test(String(err));
}
