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
  @Column({ type: 'text', name: 'first_name', nullable: true }) firstName!: string | null;
  @Column({ type: 'text', name: 'last_name', nullable: true }) lastName!: string | null;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text', nullable: true }) language!: string | null;
  @Column({ type: 'boolean', name: 'marketing_consent' }) marketingConsent!: boolean;
  @Column({ type: 'timestamptz', name: 'marketing_consent_at', nullable: true }) marketingConsentAt!: Date | null;
  @Column({ type: 'text', name: 'marketing_consent_source', nullable: true }) marketingConsentSource!: string | null;
  /** Set when the member's personal data was erased (GDPR); the card then no longer spends. */
  @Column({ type: 'timestamptz', name: 'erased_at', nullable: true }) erasedAt!: Date | null;
}

/** A member from a row as a SQL function returns it or a plain SELECT reads it (to_jsonb of members). */
export function memberFromRow(r: Record<string, unknown>): MemberEntity {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const time = (v: unknown) => (v === null || v === undefined ? null : rowTimestamp(v));
  return Object.assign(new MemberEntity(), {
    id: String(r.id),
    cardNumber: String(r.card_number),
    birthDate: (r.birth_date as string | null) ?? null,
    referredBy: str(r.referred_by),
    enrolledByPartnerId: str(r.enrolled_by_partner_id),
    createdAt: rowTimestamp(r.created_at),
    pointsBalance: String(r.points_balance),
    pointsHeld: String(r.points_held),
    firstName: str(r.first_name),
    lastName: str(r.last_name),
    email: str(r.email),
    language: str(r.language),
    marketingConsent: r.marketing_consent === true,
    marketingConsentAt: time(r.marketing_consent_at),
    marketingConsentSource: str(r.marketing_consent_source),
    erasedAt: time(r.erased_at),
  });
}
