import { useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../gql';
import { formatPoints } from '../format';
import { ActionForm, Card, ErrorNote, Field, Page } from '../ui/kit';

const LookUpCard = graphql(`
  query TillCard($cardNumber: String!) {
    member(cardNumber: $cardNumber) {
      id
      cardNumber
      balance
    }
  }
`);

export function TillPage() {
  const client = useClient();
  const [member, setMember] = useState<{ cardNumber: string; balance: number } | null | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>();
  return (
    <Page title="Till">
      <Card title="Card lookup">
        <ActionForm
          label="Look up"
          onSubmit={async (form) => {
            const result = await client
              .query(LookUpCard, { cardNumber: String(form.get('cardNumber')) }, { requestPolicy: 'network-only' })
              .toPromise();
            setError(result.error);
            setMember(result.data?.member ?? null);
          }}
        >
          <Field label="Card number" name="cardNumber" required inputMode="numeric" autoComplete="off" />
        </ActionForm>
        <ErrorNote error={error} />
        {member === null && <p role="status">No member with that card.</p>}
        {member && (
          <p role="status">
            Card {member.cardNumber}: <strong>{formatPoints(member.balance)}</strong>
          </p>
        )}
      </Card>
    </Page>
  );
}
