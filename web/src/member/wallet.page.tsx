import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { MemberHomeQuery } from '../gql/graphql';
import { formatDate, formatMoney, formatPoints } from '../format';
import { Card, Empty, ErrorNote, Loading, Page } from '../ui/kit';
import { ItemList, Progress } from './member-ui';
import { JoinCard } from './profile.page';

/** How far ahead "expiring soon" looks. */
export const EXPIRY_WINDOW_DAYS = 90;

const MemberHome = graphql(`
  query MemberHome($expiringWithinDays: Int!) {
    me {
      id
      cardNumber
      balance
      heldPoints
      tier {
        tier {
          id
          name
          earnMultiplier
          minQualifyingPoints
        }
        nextTier {
          id
          name
          minQualifyingPoints
        }
        qualifyingPoints
        since
      }
      expiringPoints(days: $expiringWithinDays) {
        expiresAt
        points
      }
      stampCards {
        card {
          id
          name
          stampsRequired
          minimumPurchase {
            amount
            currency
          }
        }
        stamps
        owed
        rewardsIssued
      }
    }
    coalitionSettings {
      tierWindowDays
    }
  }
`);

export function WalletPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberHome, variables: { expiringWithinDays: EXPIRY_WINDOW_DAYS } });
  const me = data?.me;
  return (
    <Page title="Wallet">
      {fetching && !data && <Loading what="Loading your wallet" />}
      <ErrorNote error={error} />
      {data && !me && <JoinCard onJoined={() => refetch({ requestPolicy: 'network-only' })} />}
      {me && (
        <>
          <Card title="Balance">
            <p className="balance" aria-label="Points balance">
              {formatPoints(me.balance)}
            </p>
            {me.balance < 0 && (
              <p className="muted">A return took back points you had already spent; your next points pay this off first.</p>
            )}
            {me.heldPoints > 0 && (
              <p className="held" aria-label="Held points">
                <strong>{formatPoints(me.heldPoints)}</strong> held for miles transfers waiting for the airline.{' '}
                <Link to="/member/miles">See transfers</Link>
              </p>
            )}
          </Card>
          <TierCard tier={me.tier} windowDays={data.coalitionSettings.tierWindowDays} />
          <ExpiringCard expiring={me.expiringPoints} />
          <StampCardsCard cards={me.stampCards} />
        </>
      )}
    </Page>
  );
}

type Me = NonNullable<MemberHomeQuery['me']>;

function TierCard({ tier, windowDays }: { tier: Me['tier']; windowDays: number }) {
  const current = tier.tier;
  const next = tier.nextTier;
  if (!current && !next) return null;
  const from = current?.minQualifyingPoints ?? 0;
  return (
    <Card title="Status">
      <p className="tier-name" aria-label="Tier">
        {current ? current.name : 'No tier yet'}
        {current && current.earnMultiplier !== '1' && <span className="muted"> · earns ×{current.earnMultiplier}</span>}
      </p>
      <p className="muted">
        {formatPoints(tier.qualifyingPoints)} earned in the last {windowDays} days
      </p>
      {next ? (
        <>
          <Progress
            label={`Progress to ${next.name}`}
            value={tier.qualifyingPoints - from}
            max={Math.max(1, next.minQualifyingPoints - from)}
          />
          <p aria-label="Progress to the next tier">
            {formatPoints(Math.max(0, next.minQualifyingPoints - tier.qualifyingPoints))} more to reach <strong>{next.name}</strong>
          </p>
        </>
      ) : (
        <p>You are at the highest tier.</p>
      )}
    </Card>
  );
}

function ExpiringCard({ expiring }: { expiring: Me['expiringPoints'] }) {
  const total = expiring.reduce((sum, e) => sum + e.points, 0);
  return (
    <Card title="Expiring soon">
      {expiring.length === 0 ? (
        <Empty>No points expire in the next {EXPIRY_WINDOW_DAYS} days.</Empty>
      ) : (
        <>
          <p aria-label="Points expiring soon">
            <strong>{formatPoints(total)}</strong> expire in the next {EXPIRY_WINDOW_DAYS} days. Points you spend are taken from the soonest
            first.
          </p>
          <ItemList label="Expiry dates">
            {expiring.map((e) => (
              <li key={e.expiresAt} className="item">
                <span>{formatDate(e.expiresAt)}</span>
                <strong>{formatPoints(e.points)}</strong>
              </li>
            ))}
          </ItemList>
        </>
      )}
    </Card>
  );
}

function StampCardsCard({ cards }: { cards: Me['stampCards'] }) {
  if (cards.length === 0) return null;
  return (
    <Card title="Stamp cards">
      <ItemList label="Stamp cards">
        {cards.map((c) => (
          <li key={c.card.id} className="item stacked">
            <div className="item-head">
              <strong>{c.card.name}</strong>
              <span aria-label={`${c.card.name} stamps`}>
                {c.stamps} / {c.card.stampsRequired}
              </span>
            </div>
            <div className="stamps" aria-hidden="true">
              {Array.from({ length: c.card.stampsRequired }, (_, i) => (
                <span key={i} className={i < c.stamps ? 'stamp on' : 'stamp'} />
              ))}
            </div>
            <small className="muted">
              {c.card.stampsRequired - c.stamps} more {c.card.stampsRequired - c.stamps === 1 ? 'purchase' : 'purchases'}
              {isZero(c.card.minimumPurchase.amount) ? '' : ` of at least ${formatMoney(c.card.minimumPurchase)}`} to the next reward
              {c.rewardsIssued > 0 && ` · ${c.rewardsIssued} earned so far`}
              {c.owed > 0 && ` · ${c.owed} returned ${c.owed === 1 ? 'stamp' : 'stamps'} to make up first`}
            </small>
          </li>
        ))}
      </ItemList>
    </Card>
  );
}

const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount);
