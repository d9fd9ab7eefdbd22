import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { MemberMilesQuery, MilesTransferStatus } from '../gql/graphql';
import { formatDateTime, formatPoints } from '../format';
import { Card, Empty, ErrorNote, Field, Loading, Page, SelectField } from '../ui/kit';
import { Badge, ItemList } from './member-ui';
import { ActionOutcomeNote, useActionOutcome } from './use-action';

const MemberMiles = graphql(`
  query MemberMiles {
    me {
      id
      balance
      heldPoints
      milesTransfers {
        id
        createdAt
        direction
        points
        miles
        status
        frequentFlyerNumber
        airlineReference
        airline {
          id
          name
        }
      }
    }
    milesRatios(direction: TO_MILES) {
      airline {
        id
        name
      }
      points
      miles
      minimum
    }
  }
`);

const MemberConvertToMiles = graphql(`
  mutation MemberConvertToMiles($input: ConvertPointsToMilesInput!) {
    convertPointsToMiles(input: $input) {
      milesTransfer {
        id
        status
        points
        miles
        airline {
          id
          name
        }
      }
      member {
        id
        balance
        heldPoints
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

type Ratio = MemberMilesQuery['milesRatios'][number];

const STATUS: Record<MilesTransferStatus, { label: string; tone: 'ok' | 'wait' | 'off' | 'info'; help: string }> = {
  PENDING: { label: 'PENDING', tone: 'wait', help: 'Points held until the airline confirms' },
  CONFIRMED: { label: 'CONFIRMED', tone: 'ok', help: 'The airline credited the miles' },
  REJECTED: { label: 'REJECTED', tone: 'off', help: 'The airline refused; the points came back' },
  EXPIRED: { label: 'EXPIRED', tone: 'off', help: 'The airline did not answer in time; the points come back' },
  COMPLETED: { label: 'COMPLETED', tone: 'info', help: 'Miles turned into points' },
};

/** Miles for points at the ratio (rounded down, as the server does), exactly: BigInt, no floats. */
export function milesFor(points: number, ratio: Pick<Ratio, 'points' | 'miles'>): number {
  return Number((BigInt(points) * BigInt(ratio.miles)) / BigInt(ratio.points));
}

export function MilesPage() {
  const [{ data, fetching, error }] = useQuery({ query: MemberMiles });
  const me = data?.me;
  return (
    <Page title="Miles">
      <ErrorNote error={error} />
      {fetching && !data && <Loading what="Loading miles" />}
      {me && data && (
        <>
          <ConvertCard ratios={data.milesRatios} balance={me.balance} />
          <Card title="My transfers">
            {me.milesTransfers.length === 0 ? (
              <Empty>No miles transfers yet.</Empty>
            ) : (
              <ItemList label="Miles transfers">
                {me.milesTransfers.map((t) => (
                  <li key={t.id} className="item stacked transfer">
                    <div className="item-head">
                      <strong>{t.airline.name}</strong>
                      <Badge tone={STATUS[t.status].tone}>{STATUS[t.status].label}</Badge>
                    </div>
                    <span>
                      {t.direction === 'TO_MILES'
                        ? `${formatPoints(t.points)} → ${t.miles.toLocaleString()} miles`
                        : `${t.miles.toLocaleString()} miles → ${formatPoints(t.points)}`}
                    </span>
                    <small className="muted">
                      {STATUS[t.status].help} · {formatDateTime(t.createdAt)}
                      {t.frequentFlyerNumber && ` · ${t.frequentFlyerNumber}`}
                      {t.airlineReference && ` · ref ${t.airlineReference}`}
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

function ConvertCard({ ratios, balance }: { ratios: Ratio[]; balance: number }) {
  const [airlineId, setAirlineId] = useState(ratios[0]?.airline.id ?? '');
  const [points, setPoints] = useState('');
  const [ffn, setFfn] = useState('');
  const [, convert] = useMutation(MemberConvertToMiles);
  const { busy, submit, outcome } = useActionOutcome();

  if (ratios.length === 0) {
    return (
      <Card title="Convert points to miles">
        <Empty>No airline takes points right now.</Empty>
      </Card>
    );
  }
  const ratio = ratios.find((r) => r.airline.id === airlineId) ?? ratios[0];
  const amount = /^[0-9]{1,15}$/.test(points) ? Number(points) : null;
  const miles = amount === null ? null : milesFor(amount, ratio);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    if (amount === null) return;
    const request = { airlineId: ratio.airline.id, points: amount, frequentFlyerNumber: ffn.trim() };
    const converted = await submit(
      request,
      (idempotencyKey) => convert({ input: { ...request, idempotencyKey } }),
      (d) => d.convertPointsToMiles,
      ({ milesTransfer: transfer }) =>
        transfer
          ? `${formatPoints(transfer.points)} to ${transfer.airline.name} for ${transfer.miles.toLocaleString()} miles: ${transfer.status}. ` +
            'The points are held until the airline confirms.'
          : null,
    );
    if (converted) setPoints('');
  }

  return (
    <Card title="Convert points to miles">
      <form className="stack-form" onSubmit={onSubmit}>
        <SelectField
          label="Airline"
          name="airline"
          value={ratio.airline.id}
          onChange={(e) => setAirlineId(e.target.value)}
          options={ratios.map((r) => ({ value: r.airline.id, label: r.airline.name }))}
        />
        <p className="muted" aria-label="Ratio">
          {formatPoints(ratio.points)} = {ratio.miles.toLocaleString()} {ratio.miles === 1 ? 'mile' : 'miles'}
          {ratio.minimum > 0 && ` · at least ${formatPoints(ratio.minimum)}`}
        </p>
        <Field
          label="Points"
          name="points"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          required
          value={points}
          onChange={(e) => setPoints(e.target.value.replace(/[^0-9]/g, ''))}
          hint={`You have ${formatPoints(balance)}.${miles !== null ? ` You get ${miles.toLocaleString()} miles.` : ''}`}
        />
        <Field
          label="Frequent flyer number"
          name="frequentFlyerNumber"
          autoComplete="off"
          autoCapitalize="characters"
          required
          minLength={3}
          maxLength={64}
          pattern="[A-Za-z0-9\-]{3,64}"
          value={ffn}
          onChange={(e) => setFfn(e.target.value)}
          hint="Your membership number at the airline (letters, digits, “-”)."
        />
        <button type="submit" disabled={busy || amount === null || amount <= 0} aria-busy={busy}>
          {busy ? 'Sending…' : 'Convert'}
        </button>
      </form>
      <ActionOutcomeNote outcome={outcome} />
    </Card>
  );
}
