/**
 * The credential (operator key, partner API key or member token) lives in sessionStorage: it is
 * gone when the tab closes and never shared with other tabs.
 */
const KEY = 'coalition.credential';

export type Role = 'OPERATOR' | 'PARTNER' | 'MEMBER';

export function storedCredential(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeCredential(credential: string | null): void {
  if (credential === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, credential);
}
