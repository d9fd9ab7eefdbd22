import { BusinessError } from '../common/user-error';

export const ServiceCaseErrorCode = {
  UNKNOWN_CASE: 'UNKNOWN_CASE',
  UNKNOWN_PURCHASE: 'UNKNOWN_PURCHASE',
  CASE_ALREADY_RESOLVED: 'CASE_ALREADY_RESOLVED',
  CASE_NOT_RESOLVED: 'CASE_NOT_RESOLVED',
  ALREADY_RATED: 'ALREADY_RATED',
  RESOLUTION_REQUIRED: 'RESOLUTION_REQUIRED',
} as const;

export const unknownCase = () => new BusinessError(ServiceCaseErrorCode.UNKNOWN_CASE, 'No such service case', ['input', 'caseId']);
