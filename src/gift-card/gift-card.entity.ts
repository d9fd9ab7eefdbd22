import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('gift_cards')
export class GiftCardEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'bigint', name: 'redemption_id' }) redemptionId!: string;
  @Column({ type: 'bigint', name: 'partner_id' }) partnerId!: string;
  @Column({ type: 'bigint', name: 'member_id' }) memberId!: string;
  @Column({ type: 'char', length: 3 }) currency!: string;
  @Column({ type: 'bigint', name: 'initial_minor' }) initialMinor!: string;
  @Column({ type: 'bigint', name: 'balance_minor' }) balanceMinor!: string;
  @Column({ type: 'timestamptz', name: 'expires_at' }) expiresAt!: Date;
}
