import { BusinessError } from '../common/user-error';

export const PartnerErrorCode = {
  DUPLICATE_PARTNER: 'DUPLICATE_PARTNER',
  UNKNOWN_PARTNER: 'UNKNOWN_PARTNER',
  UNKNOWN_API_KEY: 'UNKNOWN_API_KEY',
  INVALID_RATE: 'INVALID_RATE',
} as const;

export const duplicatePartner = (name: string) =>
  new BusinessError(PartnerErrorCode.DUPLICATE_PARTNER, `A partner named "${name}" already exists`, ['input', 'name']);

export const unknownPartner = (field: string[]) => new BusinessError(PartnerErrorCode.UNKNOWN_PARTNER, 'No such partner', field);

export const unknownApiKey = () => new BusinessError(PartnerErrorCode.UNKNOWN_API_KEY, 'No such partner API key', ['input', 'apiKeyId']);
