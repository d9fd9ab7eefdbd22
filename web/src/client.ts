import { cacheExchange, Client, fetchExchange } from 'urql';
import { storedCredential } from './session';

/** One urql client per sign-in, so nothing cached for one credential is shown to the next. */
export function createClient(credential: string | null = storedCredential()): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    fetchOptions: (): RequestInit => ({ headers: credential ? { authorization: `Bearer ${credential}` } : {} }),
  });
}

/** A fresh key for one value-moving action: the same key is sent again if the action is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
