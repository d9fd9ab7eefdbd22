import { BusinessError } from '../common/user-error';

export const RewardErrorCode = {
  COMPETITOR_NOT_ALLOWED: 'COMPETITOR_NOT_ALLOWED',
  UNKNOWN_REWARD: 'UNKNOWN_REWARD',
  REWARD_INACTIVE: 'REWARD_INACTIVE',
  UNKNOWN_VOUCHER: 'UNKNOWN_VOUCHER',
  VOUCHER_USED: 'VOUCHER_USED',
} as const;

export const competitorNotAllowed = () =>
  new BusinessError(RewardErrorCode.COMPETITOR_NOT_ALLOWED, 'The sponsor competes with the fulfilling partner', ['input', 'sponsoredBy']);
