/** The codes raised here; those SQL refuses with are SQL_ERROR_CODES (src/ledger/ledger.errors.ts). */
export const PurchaseErrorCode = {
  TOO_MANY_PURCHASES: 'TOO_MANY_PURCHASES',
} as const;

export const MAX_BATCH = 1000;
