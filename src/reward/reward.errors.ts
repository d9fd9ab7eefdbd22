import { BusinessError } from '../common/user-error';

/** The codes raised here; those SQL refuses with are SQL_ERROR_CODES (src/ledger/ledger.errors.ts). */
export const RewardErrorCode = {
  COMPETITOR_NOT_ALLOWED: 'COMPETITOR_NOT_ALLOWED',
} as const;

export const competitorNotAllowed = () =>
  new BusinessError(RewardErrorCode.COMPETITOR_NOT_ALLOWED, 'The sponsor competes with the fulfilling partner', ['input', 'sponsoredBy']);
