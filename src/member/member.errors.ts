import { BusinessError } from '../common/user-error';

export const MemberErrorCode = {
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER',
  DUPLICATE_CARD: 'DUPLICATE_CARD',
  MEMBER_ERASED: 'MEMBER_ERASED',
} as const;

export const unknownMember = (cardNumber: string, field: string[] | null) =>
  new BusinessError(MemberErrorCode.UNKNOWN_MEMBER, `No member with card number "${cardNumber}"`, field);

export const duplicateCard = (cardNumber: string) =>
  new BusinessError(MemberErrorCode.DUPLICATE_CARD, `Card number "${cardNumber}" is already enrolled`, ['input', 'cardNumber']);

export const memberErased = (cardNumber: string) =>
  new BusinessError(MemberErrorCode.MEMBER_ERASED, `The member data of card "${cardNumber}" was erased`, null);
