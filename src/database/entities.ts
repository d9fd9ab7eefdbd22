import { LedgerEntryEntity } from '../ledger/ledger-entry.entity';
import { MemberEntity } from '../member/member.entity';
import { PartnerApiKeyEntity, PartnerContractEntity, PartnerEntity } from '../partner/partner.entity';

export const entities = [PartnerEntity, PartnerContractEntity, PartnerApiKeyEntity, MemberEntity, LedgerEntryEntity];
