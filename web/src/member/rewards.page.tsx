import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { MemberRedeemRewardMutation, MemberRewardsQuery } from '../gql/graphql';
import { formatDate, formatMoney, formatPoints } from '../format';
import { Card, Empty, ErrorNote, Loading, Page, Pager, UserErrors, type UserErrorShape } from '../ui/kit';
import { Badge, ItemList } from './member-ui';
import { useAction } from './use-action';

const CATALOGUE_PAGE_SIZE = 50;

const MemberRewards = graphql(`
  query MemberRewards($first: Int, $after: String, $last: Int, $before: String) {
    me {
      id
      balance
      vouchers {
        id
        code
        issuedAt
        usedAt
      }
      giftCards {
        id
        balance {
          amount
          currency
        }
        initialValue {
          amount
          currency
        }
        expiresAt
        redeemableAt {
          id
          name
        }
      }
    }
    rewards(first: $first, after: $after, last: $last, before: $before) {
      edges {
        node {
          id
          name
          kind
          pointsCost
          giftCardValue {
            amount
            currency
          }
          fulfilledBy {
            id
            name
          }
          sponsoredBy {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

const MemberRedeemReward = graphql(`
  mutation MemberRedeemReward($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      redemption {
        id
        createdAt
        pointsSpent
        reward {
          id
          name
          kind
          fulfilledBy {
            id
            name
          }
        }
        voucher {
          id
          code
          issuedAt
        }
        giftCard {
          id
          code
          balance {
            amount
            currency
          }
          expiresAt
          redeemableAt {
            id
            name
          }
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

type Reward = MemberRewardsQuery['rewards']['edges'][number]['node'];
type Redemption = NonNullable<MemberRedeemRewardMutation['redeemReward']['redemption']>;
type Window = { first: number; after?: string } | { last: number; before: string };

export function RewardsPage() {
  const [window, setWindow] = useState<Window>({ first: CATALOGUE_PAGE_SIZE });
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: MemberRewards, variables: window });
  // Codes from this visit, newest first: a gift card's code is in the redeeming answer only.
  const [revealed, setRevealed] = useState<Redemption[]>([]);
  const me = data?.me;
  const rewards = data?.rewards;

  return (
    <Page title="Rewards">
      <ErrorNote error={error} />
      {revealed.map((r) => (
        <CodeReveal key={r.id} redemption={r} onDone={() => setRevealed((all) => all.filter((x) => x.id !== r.id))} />
      ))}
      {fetching && !data && <Loading what="Loading rewards" />}
      {me && rewards && (
        <>
          <Card title="Catalogue">
            <p className="muted">
              You have <strong>{formatPoints(me.balance)}</strong> to spend.
            </p>
            {rewards.edges.length === 0 ? (
              <Empty>No rewards are on offer right now.</Empty>
            ) : (
              <ItemList label="Rewards">
                {sortAffordableFirst(
                  rewards.edges.map((e) => e.node),
                  me.balance,
                ).map((reward) => (
                  <RewardItem
                    key={reward.id}
                    reward={reward}
                    balance={me.balance}
                    onRedeemed={(redemption) => setRevealed((all) => [redemption, ...all.filter((x) => x.id !== redemption.id)])}
                  />
                ))}
              </ItemList>
            )}
            <Pager
              label="Catalogue pages"
              page={page}
              disabled={fetching}
              hasPrevious={rewards.pageInfo.hasPreviousPage}
              hasNext={rewards.pageInfo.hasNextPage}
              onPrevious={() => {
                setWindow({ last: CATALOGUE_PAGE_SIZE, before: rewards.pageInfo.startCursor! });
                setPage((p) => Math.max(1, p - 1));
              }}
              onNext={() => {
                setWindow({ first: CATALOGUE_PAGE_SIZE, after: rewards.pageInfo.endCursor! });
                setPage((p) => p + 1);
              }}
            />
          </Card>
          <VouchersCard vouchers={me.vouchers} />
          <GiftCardsCard giftCards={me.giftCards} />
        </>
      )}
    </Page>
  );
}

/** What the member can afford first, each group in catalogue order. */
function sortAffordableFirst(rewards: Reward[], balance: number): Reward[] {
  return [...rewards.filter((r) => r.pointsCost <= balance), ...rewards.filter((r) => r.pointsCost > balance)];
}

function RewardItem({ reward, balance, onRedeemed }: { reward: Reward; balance: number; onRedeemed: (r: Redemption) => void }) {
  const [, redeem] = useMutation(MemberRedeemReward);
  const { busy, run } = useAction();
  const [errors, setErrors] = useState<readonly UserErrorShape[]>([]);
  const [failure, setFailure] = useState<{ message: string } | null>(null);
  const affordable = reward.pointsCost <= balance;
  const headingId = `reward-${reward.id}`;

  async function onRedeem() {
    const result = await run({ rewardId: reward.id }, (idempotencyKey) => redeem({ input: { rewardId: reward.id, idempotencyKey } }));
    if (!result) return;
    setFailure(result.error ?? null);
    const answer = result.data?.redeemReward;
    setErrors(answer?.userErrors ?? []);
    if (answer?.redemption) onRedeemed(answer.redemption);
  }

  return (
    <li className={`item reward ${affordable ? 'affordable' : 'out-of-reach'}`} aria-labelledby={headingId}>
      <div className="reward-body">
        <h3 id={headingId}>{reward.name}</h3>
        <p className="muted">
          {reward.kind === 'GIFT_CARD' ? `Gift card ${formatMoney(reward.giftCardValue)}` : 'Voucher'} · at {reward.fulfilledBy.name}
          {reward.sponsoredBy.id !== reward.fulfilledBy.id && ` · offered by ${reward.sponsoredBy.name}`}
        </p>
        <p className="reward-cost">
          <strong>{formatPoints(reward.pointsCost)}</strong>{' '}
          {affordable ? (
            <Badge tone="ok">You can redeem this</Badge>
          ) : (
            <Badge tone="off">{formatPoints(reward.pointsCost - balance)} short</Badge>
          )}
        </p>
        <ErrorNoteInline error={failure} />
        <UserErrors errors={errors} />
      </div>
      <button type="button" onClick={onRedeem} disabled={busy || !affordable} aria-busy={busy} aria-describedby={headingId}>
        {busy ? 'Redeeming…' : 'Redeem'}
      </button>
    </li>
  );
}

function ErrorNoteInline({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message.replace(/^\[(GraphQL|Network)\] /, '')} — nothing was spent; try again.
    </p>
  );
}

/** The code of a redemption, large and once: a gift card's code is never shown again. */
function CodeReveal({ redemption, onDone }: { redemption: Redemption; onDone: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.scrollIntoView({ block: 'start' });
  }, []);
  const gift = redemption.giftCard;
  const voucher = redemption.voucher;
  const code = gift?.code ?? voucher?.code ?? null;
  const titleId = `reveal-${redemption.id}`;
  const [copied, setCopied] = useState(false);
  return (
    <section className="reveal" ref={ref} tabIndex={-1} aria-labelledby={titleId} data-kind={redemption.reward.kind}>
      <h2 id={titleId}>{gift ? 'Your gift card' : 'Your voucher'}</h2>
      <p>
        {redemption.reward.name} for {formatPoints(redemption.pointsSpent)}.
      </p>
      {code && (
        <p className="code" aria-label={gift ? 'Gift card code' : 'Voucher code'}>
          {code}
        </p>
      )}
      {gift && (
        <>
          <p aria-label="Gift card balance">
            Balance <strong>{formatMoney(gift.balance)}</strong>, to spend at <strong>{gift.redeemableAt.name}</strong> until{' '}
            {formatDate(gift.expiresAt)}.
          </p>
          <p className="warning" role="note">
            This code is shown only this once. Write it down or take a screenshot now: anyone with the code can spend the card.
          </p>
        </>
      )}
      {voucher && !gift && <p>Show this code at {redemption.reward.fulfilledBy.name}. You can find it under “My vouchers” later.</p>}
      <div className="reveal-actions">
        {code && typeof navigator.clipboard?.writeText === 'function' && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void navigator.clipboard.writeText(code).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy code'}
          </button>
        )}
        <button type="button" onClick={onDone}>
          {gift ? 'I have saved the code' : 'Done'}
        </button>
      </div>
    </section>
  );
}

function VouchersCard({ vouchers }: { vouchers: NonNullable<MemberRewardsQuery['me']>['vouchers'] }) {
  return (
    <Card title="My vouchers">
      {vouchers.length === 0 ? (
        <Empty>No vouchers yet.</Empty>
      ) : (
        <ItemList label="My vouchers">
          {vouchers.map((v) => (
            <li key={v.id} className="item stacked">
              <div className="item-head">
                <span className="code-small">{v.code}</span>
                {v.usedAt ? <Badge tone="off">Used {formatDate(v.usedAt)}</Badge> : <Badge tone="ok">Ready to use</Badge>}
              </div>
              <small className="muted">Issued {formatDate(v.issuedAt)}</small>
            </li>
          ))}
        </ItemList>
      )}
    </Card>
  );
}

function GiftCardsCard({ giftCards }: { giftCards: NonNullable<MemberRewardsQuery['me']>['giftCards'] }) {
  return (
    <Card title="My gift cards">
      {giftCards.length === 0 ? (
        <Empty>No gift cards yet.</Empty>
      ) : (
        <ItemList label="My gift cards">
          {giftCards.map((g) => {
            const expired = new Date(g.expiresAt).getTime() <= Date.now();
            return (
              <li key={g.id} className="item stacked">
                <div className="item-head">
                  <strong>{g.redeemableAt.name}</strong>
                  <span aria-label="Gift card balance">{formatMoney(g.balance)}</span>
                </div>
                <small className="muted">
                  of {formatMoney(g.initialValue)} · {expired ? 'expired' : 'spend until'} {formatDate(g.expiresAt)} · only at{' '}
                  {g.redeemableAt.name}
                </small>
              </li>
            );
          })}
        </ItemList>
      )}
      <p className="muted small">For your safety a gift card’s code is shown only when you redeem it.</p>
    </Card>
  );
}
