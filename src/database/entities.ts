import { GiftCardEntity } from '../gift-card/gift-card.entity';
import { LedgerEntryEntity } from '../ledger/ledger-entry.entity';
import { MemberEntity } from '../member/member.entity';
import { PartnerApiKeyEntity, PartnerContractEntity, PartnerEntity } from '../partner/partner.entity';
import { RedemptionEntity, RewardEntity, VoucherEntity } from '../reward/reward.entity';

export const entities = [
  PartnerEntity,
  PartnerContractEntity,
  PartnerApiKeyEntity,
  MemberEntity,
  LedgerEntryEntity,
  RewardEntity,
  RedemptionEntity,
  VoucherEntity,
  GiftCardEntity,
];
