import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('partners')
export class PartnerEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) category!: string;
  @Column({ type: 'char', length: 3 }) currency!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('partner_contracts')
export class PartnerContractEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'bigint', name: 'partner_id' }) partnerId!: string;
  @Column({ type: 'integer' }) version!: number;
  @Column({ type: 'timestamptz', name: 'effective_from' }) effectiveFrom!: Date;
  @Column({ type: 'numeric', name: 'points_per_unit' }) pointsPerUnit!: string;
  @Column({ type: 'numeric', name: 'issuance_price_per_point' }) issuancePricePerPoint!: string;
  @Column({ type: 'numeric', name: 'redemption_value_per_point' }) redemptionValuePerPoint!: string;
  @Column({ type: 'numeric', name: 'gift_card_reimbursement_rate' }) giftCardReimbursementRate!: string;
  @Column({ type: 'numeric', name: 'breakage_share' }) breakageShare!: string;
}

@Entity('partner_api_keys')
export class PartnerApiKeyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'bigint', name: 'partner_id' }) partnerId!: string;
  @Column({ type: 'text', name: 'key_prefix' }) keyPrefix!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
