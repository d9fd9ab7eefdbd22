import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { rowTimestamp } from '../database/data-source';

/** A journal entry, for reads; entries are written only by the ledger's SQL functions. */
@Entity('ledger_entries')
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) operation!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'bigint', name: 'member_id', nullable: true }) memberId!: string | null;
  @Column({ type: 'bigint', name: 'member_points' }) memberPoints!: string;
  @Column({ type: 'bigint', name: 'partner_id', nullable: true }) partnerId!: string | null;
  @Column({ type: 'bigint', name: 'contract_id', nullable: true }) contractId!: string | null;
  @Column({ type: 'bigint', name: 'reverses_entry_id', nullable: true }) reversesEntryId!: string | null;
  @Column({ type: 'text' }) principal!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'text', nullable: true }) reference!: string | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

/** An entry from a row as a SQL function returns it or a plain SELECT reads it (to_jsonb of ledger_entries). */
export function ledgerEntryFromRow(r: Record<string, unknown>): LedgerEntryEntity {
  const id = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return Object.assign(new LedgerEntryEntity(), {
    id: String(r.id),
    operation: String(r.operation),
    kind: String(r.kind),
    memberId: id(r.member_id),
    memberPoints: String(r.member_points),
    partnerId: id(r.partner_id),
    contractId: id(r.contract_id),
    reversesEntryId: id(r.reverses_entry_id),
    principal: String(r.principal),
    reason: (r.reason as string | null) ?? null,
    reference: (r.reference as string | null) ?? null,
    createdAt: rowTimestamp(r.created_at),
  });
}
