import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
