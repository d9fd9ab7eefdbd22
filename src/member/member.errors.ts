import { BusinessError } from '../common/user-error';

export const MemberErrorCode = {
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER',
  DUPLICATE_CARD: 'DUPLICATE_CARD',
} as const;

export const unknownMember = (cardNumber: string, field: string[]) =>
  new BusinessError(MemberErrorCode.UNKNOWN_MEMBER, `No member with card number "${cardNumber}"`, field);

export const duplicateCard = (cardNumber: string) =>
  new BusinessError(MemberErrorCode.DUPLICATE_CARD, `Card number "${cardNumber}" is already enrolled`, ['input', 'cardNumber']);
