/**
 * The event catalogue. Events are written by database triggers in the same transaction as their
 * effect (migrations/1795902000000-partner-events.ts), each to the one partner it concerns; this
 * list is what endpoints may subscribe to and what the README documents.
 */
export const WEBHOOK_EVENT_TYPES = {
  'purchase.recorded': 'a purchase earned points at the partner (single or batch)',
  'purchase.returned': 'a return reversed points of one of its purchases',
  'reward.redeemed': 'a reward it fulfils (with the card number) or sponsors (with its contribution) was redeemed',
  'voucher.used': 'a voucher it fulfils was marked used',
  'gift_card.redeemed': 'value was spent on a gift card at its till, with the balance left',
  'miles_transfer.requested': 'a member asked to convert points into its miles: points are held until it answers',
  'miles_transfer.confirmed': 'it confirmed a transfer',
  'miles_transfer.rejected': 'it rejected a transfer; the points went back to the member',
  'miles_transfer.expired': 'a transfer it did not answer in time expired; the points went back to the member',
  'settlement.statement_closed': 'a period closed with a statement for it',
  'payment_instruction.created': 'a period closed with a payment for it to make or receive',
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

/** Sent by sendWebhookTestEvent to one endpoint only; never subscribed to. */
export const TEST_EVENT_TYPE = 'webhook.test';

export function isWebhookEventType(type: string): type is WebhookEventType {
  return Object.prototype.hasOwnProperty.call(WEBHOOK_EVENT_TYPES, type);
}
