import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { rowTimestamp } from '../database/data-source';

@Entity('members')
export class MemberEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'card_number' }) cardNumber!: string;
  @Column({ type: 'date', name: 'birth_date', nullable: true }) birthDate!: string | null;
  @Column({ type: 'bigint', name: 'referred_by', nullable: true }) referredBy!: string | null;
  @Column({ type: 'bigint', name: 'enrolled_by_partner_id', nullable: true }) enrolledByPartnerId!: string | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  /** Spendable points, kept by the ledger (negative only as debt from a return). */
  @Column({ type: 'bigint', name: 'points_balance' }) pointsBalance!: string;
  @Column({ type: 'bigint', name: 'points_held' }) pointsHeld!: string;
}

/** A member from a row as a SQL function returns it or a plain SELECT reads it (to_jsonb of members). */
export function memberFromRow(r: Record<string, unknown>): MemberEntity {
  const id = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return Object.assign(new MemberEntity(), {
    id: String(r.id),
    cardNumber: String(r.card_number),
    birthDate: (r.birth_date as string | null) ?? null,
    referredBy: id(r.referred_by),
    enrolledByPartnerId: id(r.enrolled_by_partner_id),
    createdAt: rowTimestamp(r.created_at),
    pointsBalance: String(r.points_balance),
    pointsHeld: String(r.points_held),
  });
}
