import type { DataSource } from 'typeorm';
import { queryRows } from '../database/data-source';
import { maintainJournalPartitions, PartitionMaintenance } from './journal-partitions';
import { callLedgerFunction, Idempotency, withRetry } from './ledger-call';
import { sealLedger } from './ledger-verify';

export type { Idempotency };
import type { TransactionKind } from './transaction.types';

/**
 * The one way points move. Every method is a single call of a PL/pgSQL function created by the
 * ledger migration: one round trip, member row locked first, idempotency key stored in the same
 * transaction as the effect. This module only marshals arguments and results, and retries the
 * transaction when PostgreSQL reports a deadlock or serialization failure.
 */

/** An account by owner and role; the asset is POINTS. Opened on first use. */
export interface AccountRef {
  ownerKind: 'MEMBER' | 'PARTNER' | 'OPERATOR';
  ownerId: string | null;
  role: string;
}

export const operatorAccount = (role: string): AccountRef => ({ ownerKind: 'OPERATOR', ownerId: null, role });
export const partnerAccount = (partnerId: string, role: string): AccountRef => ({ ownerKind: 'PARTNER', ownerId: partnerId, role });

/** Who did it and why, recorded on the entry. */
export interface Audit {
  principal: string;
  reason?: string | null;
  reference?: string | null;
}

export interface LedgerResult {
  entryId: string;
  points: bigint;
  /** The member's spendable balance right after the operation (negative: debt). */
  balance: bigint;
  /** true when this answer is the stored result of an earlier call with the same key. */
  replayed: boolean;
  lotId?: string;
  holdId?: string;
  status?: string;
}

interface Common {
  audit: Audit;
  idempotency?: Idempotency;
}

export class Ledger {
  constructor(private readonly dataSource: DataSource) {}

  /** Credits a member as a new lot funded by `fundingPartnerId` (null: the operator), expiring at `expiresAt`. */
  credit(
    a: Common & {
      memberId: string;
      points: bigint;
      kind: TransactionKind;
      source: AccountRef;
      fundingPartnerId: string | null;
      expiresAt: Date;
      partnerId?: string | null;
      contractId?: string | null;
    },
  ): Promise<LedgerResult> {
    return this.call('ledger_credit', a, [
      a.memberId,
      a.points,
      a.kind,
      a.source.ownerKind,
      a.source.ownerId,
      a.source.role,
      a.fundingPartnerId,
      a.expiresAt,
      a.partnerId ?? null,
      a.contractId ?? null,
      a.audit.principal,
      a.audit.reason ?? null,
      a.audit.reference ?? null,
    ]);
  }

  /** Debits a member's spendable points to `destination`, drawing lots oldest-expiry first; INSUFFICIENT_POINTS when short. */
  debit(
    a: Common & {
      memberId: string;
      points: bigint;
      kind: TransactionKind;
      destination: AccountRef;
      partnerId?: string | null;
      contractId?: string | null;
    },
  ): Promise<LedgerResult> {
    return this.call('ledger_debit', a, [
      a.memberId,
      a.points,
      a.kind,
      a.destination.ownerKind,
      a.destination.ownerId,
      a.destination.role,
      a.partnerId ?? null,
      a.contractId ?? null,
      a.audit.principal,
      a.audit.reason ?? null,
      a.audit.reference ?? null,
    ]);
  }

  /** Holds points for a later capture or void; the hold expires by itself at `expiresAt`. */
  hold(
    a: Common & { memberId: string; points: bigint; kind: TransactionKind; partnerId: string | null; expiresAt: Date },
  ): Promise<LedgerResult> {
    return this.call('ledger_hold', a, [
      a.memberId,
      a.points,
      a.kind,
      a.partnerId,
      a.expiresAt,
      a.audit.principal,
      a.audit.reason ?? null,
      a.audit.reference ?? null,
    ]);
  }

  /** Moves a pending hold's points to `destination`. `onlyPartnerId`: the hold must be that partner's. */
  capture(a: Common & { holdId: string; destination: AccountRef; onlyPartnerId?: string | null }): Promise<LedgerResult> {
    return this.resolveHold('CAPTURE', a.holdId, a.destination, a);
  }

  /** Returns a pending hold's points to the member. */
  void(a: Common & { holdId: string; onlyPartnerId?: string | null }): Promise<LedgerResult> {
    return this.resolveHold('VOID', a.holdId, null, a);
  }

  /**
   * Posts a compensating entry for `points` of a credit or debit, never beyond what is left of it.
   * Reversing spent points leaves the member in debt, which later credits pay first.
   */
  reverse(a: Common & { entryId: string; points: bigint; kind: TransactionKind; onlyPartnerId?: string | null }): Promise<LedgerResult> {
    return this.call('ledger_reverse', a, [
      a.entryId,
      a.points,
      a.kind,
      a.audit.principal,
      a.audit.reason ?? null,
      a.audit.reference ?? null,
      a.onlyPartnerId ?? null,
    ]);
  }

  /** Expires every lot past its expiry as of `asOf` (set-based); returns the points expired. Running it twice expires nothing twice. */
  async expireLots(asOf: Date, principal: string): Promise<bigint> {
    const [row] = await withRetry(() =>
      queryRows<{ expired: string }>(this.dataSource, 'SELECT ledger_expire_lots($1, $2) AS expired', [asOf, principal]),
    );
    return BigInt(row.expired);
  }

  /** Releases every pending hold past its expiry as of `asOf`; returns how many. */
  async expireHolds(asOf: Date, principal: string): Promise<number> {
    const [row] = await withRetry(() =>
      queryRows<{ expired: string }>(this.dataSource, 'SELECT ledger_expire_holds($1, $2) AS expired', [asOf, principal]),
    );
    return Number(row.expired);
  }

  /** Seals the journal entries older than five minutes into the next hash-chained block. */
  seal(): Promise<number> {
    return sealLedger(this.dataSource);
  }

  /** Makes the journal's monthly partitions ahead of `now`; drops idempotency keys past retention. */
  maintainPartitions(now: Date): Promise<PartitionMaintenance> {
    return maintainJournalPartitions(this.dataSource, now);
  }

  private resolveHold(
    action: 'CAPTURE' | 'VOID',
    holdId: string,
    destination: AccountRef | null,
    a: Common & { onlyPartnerId?: string | null },
  ) {
    return this.call(`ledger_resolve_hold:${action}`, a, [
      holdId,
      action,
      destination?.ownerKind ?? null,
      destination?.ownerId ?? null,
      destination?.role ?? null,
      a.audit.principal,
      a.audit.reason ?? null,
      a.audit.reference ?? null,
      a.onlyPartnerId ?? null,
    ]);
  }

  private async call(operation: string, args: Common, params: unknown[]): Promise<LedgerResult> {
    const r = await callLedgerFunction(this.dataSource, operation, args.idempotency, params);
    return {
      entryId: String(r.entryId),
      points: BigInt(r.points as number),
      balance: BigInt(r.balance as number),
      replayed: r.replayed === true,
      ...(r.lotId ? { lotId: String(r.lotId) } : {}),
      ...(r.holdId ? { holdId: String(r.holdId) } : {}),
      ...(r.status ? { status: String(r.status) } : {}),
    };
  }
}
