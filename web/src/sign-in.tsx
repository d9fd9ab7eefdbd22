import { useState } from 'react';
import { createClient } from './client';
import { graphql } from './gql';
import type { Viewer } from './viewer';

const WhoAmI = graphql(`
  query WhoAmI {
    viewerRole
  }
`);

const PartnerSelf = graphql(`
  query PartnerSelf {
    currentPartner {
      id
      name
      category
      currency
    }
  }
`);

const MemberSelf = graphql(`
  query MemberSelf {
    me {
      cardNumber
    }
  }
`);

/** Asks the server what a credential is; null with a reason when it is not accepted. */
export async function identify(credential: string): Promise<{ viewer: Omit<Viewer, 'signOut'> } | { error: string }> {
  const client = createClient(credential);
  const result = await client.query(WhoAmI, {}, { requestPolicy: 'network-only' }).toPromise();
  const code = result.error?.graphQLErrors[0]?.extensions?.code ?? (result.error?.response as Response | undefined)?.status;
  if (code === 'UNAUTHENTICATED' || code === 401) return { error: 'That API key or token was not accepted. Check it and try again.' };
  if (result.error || !result.data) return { error: `The server could not be reached: ${result.error?.message ?? 'no answer'}` };
  const role = result.data.viewerRole;
  if (role === 'PARTNER') {
    const self = await client.query(PartnerSelf, {}).toPromise();
    return { viewer: { role, partner: self.data?.currentPartner ?? null, cardNumber: null } };
  }
  if (role === 'MEMBER') {
    const self = await client.query(MemberSelf, {}).toPromise();
    return { viewer: { role, partner: null, cardNumber: self.data?.me?.cardNumber ?? null } };
  }
  return { viewer: { role, partner: null, cardNumber: null } };
}

export function SignIn({ onSignedIn }: { onSignedIn: (credential: string, viewer: Omit<Viewer, 'signOut'>) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>Coalition console</h1>
      <p className="muted">Operators, partners and members sign in with the credential the coalition gave them.</p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (busy) return;
          const credential = String(new FormData(event.currentTarget).get('credential') ?? '').trim();
          if (!credential) return setError('Enter an API key or token.');
          setBusy(true);
          setError(null);
          const answer = await identify(credential);
          setBusy(false);
          if ('error' in answer) setError(answer.error);
          else onSignedIn(credential, answer.viewer);
        }}
      >
        <label htmlFor="credential">API key or token</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autoComplete="off"
          required
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
