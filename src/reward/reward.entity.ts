import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('rewards')
export class RewardEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: 'VOUCHER' | 'GIFT_CARD';
  @Column({ type: 'bigint', name: 'points_cost' }) pointsCost!: string;
  @Column({ type: 'bigint', name: 'fulfilled_by' }) fulfilledBy!: string;
  @Column({ type: 'bigint', name: 'sponsored_by' }) sponsoredBy!: string;
  @Column({ type: 'char', length: 3 }) currency!: string;
  @Column({ type: 'bigint', name: 'gift_card_value_minor', nullable: true }) giftCardValueMinor!: string | null;
  @Column({ type: 'bigint', name: 'sponsor_contribution_minor' }) sponsorContributionMinor!: string;
  @Column({ type: 'char', length: 3, name: 'sponsor_currency' }) sponsorCurrency!: string;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'text', name: 'deactivated_reason', nullable: true }) deactivatedReason!: string | null;
}

@Entity('redemptions')
export class RedemptionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'bigint', name: 'reward_id' }) rewardId!: string;
  @Column({ type: 'bigint', name: 'member_id' }) memberId!: string;
  @Column({ type: 'bigint' }) points!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('vouchers')
export class VoucherEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'bigint', name: 'redemption_id' }) redemptionId!: string;
  @Column({ type: 'bigint', name: 'partner_id' }) partnerId!: string;
  @Column({ type: 'bigint', name: 'member_id' }) memberId!: string;
  @Column({ type: 'text' }) code!: string;
  @Column({ type: 'timestamptz', name: 'used_at', nullable: true }) usedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}
