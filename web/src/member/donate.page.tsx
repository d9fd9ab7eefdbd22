import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { MemberDonationsPageQuery } from '../gql/graphql';
import { formatDateTime, formatMoney, formatPoints, multiplyDecimal } from '../format';
import { Card, Empty, ErrorNote, Field, Loading, Page, SelectField } from '../ui/kit';
import { ItemList } from './member-ui';
import { ActionOutcomeNote, useActionOutcome } from './use-action';

const MemberDonationsPage = graphql(`
  query MemberDonationsPage {
    me {
      id
      balance
      donations(first: 20) {
        edges {
          node {
            id
            points
            value {
              amount
              currency
            }
            charity {
              id
              name
            }
            createdAt
          }
        }
      }
    }
    charities {
      id
      name
      currency
      valuePerPoint
    }
  }
`);

const MemberDonate = graphql(`
  mutation MemberDonate($input: DonatePointsInput!) {
    donatePoints(input: $input) {
      donation {
        id
        points
        value {
          amount
          currency
        }
        charity {
          id
          name
        }
      }
      member {
        id
        balance
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

type Charity = MemberDonationsPageQuery['charities'][number];

/** Points given to a charity (it receives their money value), and the donations made so far. */
export function DonatePage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberDonationsPage });
  const me = data?.me;
  return (
    <Page title="Donate">
      <ErrorNote error={error} />
      {fetching && !data && <Loading what="Loading charities" />}
      {me && data && (
        <>
          <DonateCard charities={data.charities} balance={me.balance} onDone={() => refetch({ requestPolicy: 'network-only' })} />
          <Card title="My donations">
            {me.donations.edges.length === 0 ? (
              <Empty>No donations yet.</Empty>
            ) : (
              <ItemList label="Donations">
                {me.donations.edges.map(({ node: d }) => (
                  <li key={d.id} className="item stacked">
                    <div className="item-head">
                      <strong>{d.charity.name}</strong>
                      <span>{formatMoney(d.value)}</span>
                    </div>
                    <small className="muted">
                      {formatPoints(d.points)} · {formatDateTime(d.createdAt)}
                    </small>
                  </li>
                ))}
              </ItemList>
            )}
          </Card>
        </>
      )}
    </Page>
  );
}

function DonateCard({ charities, balance, onDone }: { charities: Charity[]; balance: number; onDone: () => void }) {
  const [charityId, setCharityId] = useState(charities[0]?.id ?? '');
  const [points, setPoints] = useState('');
  const [, donate] = useMutation(MemberDonate);
  const { busy, submit, outcome } = useActionOutcome();

  if (charities.length === 0) {
    return (
      <Card title="Give points to a charity">
        <Empty>No charity takes donations right now.</Empty>
      </Card>
    );
  }
  const charity = charities.find((c) => c.id === charityId) ?? charities[0];
  const amount = /^[0-9]{1,15}$/.test(points) ? Number(points) : null;
  const value = amount === null ? null : { amount: multiplyDecimal(amount, charity.valuePerPoint), currency: charity.currency };

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    if (amount === null) return;
    const request = { charityId: charity.id, points: amount };
    const given = await submit(
      request,
      (idempotencyKey) => donate({ input: { ...request, idempotencyKey } }),
      (d) => d.donatePoints,
      ({ donation }) =>
        donation ? `Thank you: ${formatPoints(donation.points)} give ${donation.charity.name} ${formatMoney(donation.value)}.` : null,
    );
    if (given) {
      setPoints('');
      onDone();
    }
  }

  return (
    <Card title="Give points to a charity">
      <form className="stack-form" onSubmit={onSubmit}>
        <SelectField
          label="Charity"
          name="charity"
          value={charity.id}
          onChange={(e) => setCharityId(e.target.value)}
          options={charities.map((c) => ({ value: c.id, label: c.name }))}
        />
        <Field
          label="Points"
          name="points"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          required
          value={points}
          onChange={(e) => setPoints(e.target.value.replace(/[^0-9]/g, ''))}
          hint={`You have ${formatPoints(balance)}; at least 100.${value ? ` ${charity.name} receives ${formatMoney(value)}.` : ''}`}
        />
        <button type="submit" disabled={busy || amount === null || amount <= 0} aria-busy={busy}>
          {busy ? 'Sending…' : 'Donate'}
        </button>
      </form>
      <ActionOutcomeNote outcome={outcome} />
    </Card>
  );
}
