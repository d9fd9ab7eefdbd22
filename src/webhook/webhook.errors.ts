import { BusinessError } from '../common/user-error';

export const WebhookErrorCode = {
  INVALID_WEBHOOK_URL: 'INVALID_WEBHOOK_URL',
  WEBHOOK_URL_NOT_ALLOWED: 'WEBHOOK_URL_NOT_ALLOWED',
  UNKNOWN_EVENT_TYPE: 'UNKNOWN_EVENT_TYPE',
  UNKNOWN_WEBHOOK_ENDPOINT: 'UNKNOWN_WEBHOOK_ENDPOINT',
  TOO_MANY_WEBHOOK_ENDPOINTS: 'TOO_MANY_WEBHOOK_ENDPOINTS',
} as const;

export const unknownEndpoint = () =>
  new BusinessError(WebhookErrorCode.UNKNOWN_WEBHOOK_ENDPOINT, 'No such webhook endpoint', ['input', 'endpointId']);
