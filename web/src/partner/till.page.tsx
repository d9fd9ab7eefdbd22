import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { formatDate, formatMoney, formatPoints } from '../format';
import { graphql } from '../gql';
import type { PartnerTillCardQuery } from '../gql/graphql';
import { ActionForm, Card, Empty, ErrorNote, Field, Page, SelectField } from '../ui/kit';
import { useViewer } from '../viewer';
import { Outcome, run, runKeyed, useIdempotencyKeys } from './actions';
import { OutcomeNote } from './outcome';

const LookUpCard = graphql(`
  query PartnerTillCard($cardNumber: String!) {
    member(cardNumber: $cardNumber) {
      id
      cardNumber
      greetingName
      erasedAt
      balance
      heldPoints
      enrolledAt
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
        expiresAt
      }
    }
  }
`);

const TillRewards = graphql(`
  query PartnerTillRewards($first: Int!, $after: String) {
    rewards(first: $first, after: $after) {
      edges {
        node {
          id
          name
          kind
          pointsCost
          active
          fulfilledBy {
            id
          }
          giftCardValue {
            amount
            currency
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const EnrolCard = graphql(`
  mutation PartnerTillEnrol($input: EnrollMemberInput!) {
    enrollMember(input: $input) {
      member {
        id
        cardNumber
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

const RecordPurchase = graphql(`
  mutation PartnerTillPurchase($input: RecordPurchaseInput!) {
    recordPurchase(input: $input) {
      pointsEarned
      member {
        cardNumber
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

const RecordReturn = graphql(`
  mutation PartnerTillReturn($input: RecordReturnInput!) {
    recordReturn(input: $input) {
      pointsReversed
      member {
        cardNumber
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

const RedeemReward = graphql(`
  mutation PartnerTillRedeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      redemption {
        id
        pointsSpent
        reward {
          name
          kind
        }
        voucher {
          code
        }
        giftCard {
          code
          balance {
            amount
            currency
          }
          expiresAt
        }
      }
      member {
        cardNumber
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

const UseVoucher = graphql(`
  mutation PartnerTillUseVoucher($input: UseVoucherInput!) {
    useVoucher(input: $input) {
      voucher {
        id
        code
        usedAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const SpendGiftCard = graphql(`
  mutation PartnerTillSpendGiftCard($input: RedeemGiftCardInput!) {
    redeemGiftCard(input: $input) {
      giftCard {
        id
        balance {
          amount
          currency
        }
        expiresAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const TillActivityRules = graphql(`
  query PartnerTillActivityRules($first: Int!, $after: String) {
    activityRules(first: $first, after: $after) {
      edges {
        node {
          id
          code
          name
          points
          active
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const RecordActivity = graphql(`
  mutation PartnerTillActivity($input: RecordActivityInput!) {
    recordActivity(input: $input) {
      transaction {
        id
        points
      }
      member {
        cardNumber
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

type LookedUp = NonNullable<PartnerTillCardQuery['member']>;
type Reward = { id: string; name: string; kind: string; pointsCost: number; giftCardValue?: { amount: string; currency: string } | null };

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** An amount as typed ("12.5", "12,50"): a plain decimal string; the server refuses too many decimals. */
const amountOf = (form: FormData) => text(form, 'amount').replace(',', '.');

/**
 * The till: look a card up, enrol it, record purchases and returns, redeem this partner's rewards
 * for the card, credit activities (a review …), honour vouchers and gift cards. Every action that moves value carries its own
 * idempotency key, kept for a retry until the server has answered.
 */
export function TillPage() {
  const client = useClient();
  const partner = useViewer().partner!;
  const keys = useIdempotencyKeys();
  // The card the cashier is serving: lookup and enrolment set it, the card forms start from it.
  const [card, setCard] = useState('');
  const [member, setMember] = useState<LookedUp | null | undefined>(undefined);
  const [lookupError, setLookupError] = useState<Error | undefined>();

  const lookUp = useCallback(
    async (cardNumber: string) => {
      const result = await client.query(LookUpCard, { cardNumber }, { requestPolicy: 'network-only' }).toPromise();
      setLookupError(result.error);
      if (!result.error) {
        setMember(result.data?.member ?? null);
        setCard(result.data?.member?.cardNumber ?? cardNumber);
      }
    },
    [client],
  );
  /** After an action on a card: show its balance as it is now. */
  const refresh = (cardNumber: string | undefined) => {
    if (cardNumber) void lookUp(cardNumber);
  };

  return (
    <Page title="Till">
      <Card title="Card lookup">
        <ActionForm label="Look up" busyLabel="Looking up…" onSubmit={(form) => lookUp(text(form, 'cardNumber'))}>
          <Field label="Card number" name="cardNumber" required inputMode="numeric" autoComplete="off" />
        </ActionForm>
        <ErrorNote error={lookupError} />
        {member === null && <p role="status">No member with card {card}. Enrol it below.</p>}
        {member && <CardSummary member={member} />}
      </Card>
      <div className="grid">
        <EnrolForm
          onEnrolled={(cardNumber) => {
            refresh(cardNumber);
          }}
        />
        <PurchaseForm card={card} currency={partner.currency} keys={keys} onDone={refresh} />
        <ReturnForm currency={partner.currency} keys={keys} onDone={refresh} />
        <RedeemForm card={card} partnerId={partner.id} keys={keys} onDone={refresh} />
        <ActivityForm card={card} keys={keys} onDone={refresh} />
        <VoucherForm onDone={() => refresh(member?.cardNumber)} />
        <GiftCardForm currency={partner.currency} keys={keys} onDone={() => refresh(member?.cardNumber)} />
      </div>
    </Page>
  );
}

function CardSummary({ member }: { member: LookedUp }) {
  const open = member.vouchers.filter((v) => !v.usedAt);
  return (
    <div className="till-card" role="status" aria-label={`Card ${member.cardNumber}`}>
      {/* The API gives a till the first name only while the member consents to marketing. */}
      {member.greetingName && <p className="greeting">Hello, {member.greetingName}</p>}
      {member.erasedAt && <p className="muted">This member’s data was erased: the card can no longer spend points.</p>}
      <dl className="facts">
        <div>
          <dt>Card</dt>
          <dd>{member.cardNumber}</dd>
        </div>
        <div>
          <dt>Balance</dt>
          <dd className="balance-small">{formatPoints(member.balance)}</dd>
        </div>
        <div>
          <dt>Held</dt>
          <dd>{formatPoints(member.heldPoints)}</dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd>{formatDate(member.enrolledAt)}</dd>
        </div>
      </dl>
      {member.balance < 0 && <p className="muted">A negative balance is debt from a return; the next points earned pay it off first.</p>}
      {open.length > 0 && (
        <div>
          Unused vouchers to honour here:
          <ul className="codes">
            {open.map((v) => (
              <li key={v.id}>
                <code>{v.code}</code> <span className="muted">issued {formatDate(v.issuedAt)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {member.giftCards.length > 0 && (
        <p>
          Gift cards spendable here:{' '}
          {member.giftCards.map((g) => `${formatMoney(g.balance)} (until ${formatDate(g.expiresAt)})`).join(', ')}
        </p>
      )}
    </div>
  );
}

function EnrolForm({ onEnrolled }: { onEnrolled: (cardNumber: string) => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{ member?: { cardNumber: string } | null }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Enrol a card">
      <ActionForm
        key={formKey}
        label="Enrol card"
        busyLabel="Enrolling…"
        onSubmit={async (form) => {
          const birthDate = text(form, 'birthDate');
          const referredBy = text(form, 'referredBy');
          const result = await run(
            () =>
              client
                .mutation(EnrolCard, {
                  input: { cardNumber: text(form, 'cardNumber'), birthDate: birthDate || null, referredBy: referredBy || null },
                })
                .toPromise(),
            (d) => d.enrollMember,
          );
          setOutcome(result);
          if (result.kind === 'done' && result.value.member) {
            setFormKey((k) => k + 1);
            onEnrolled(result.value.member.cardNumber);
          }
        }}
      >
        <Field label="Card number" name="cardNumber" required autoComplete="off" hint="6 to 32 digits or letters" />
        <Field label="Birth date (optional)" name="birthDate" type="date" />
        <Field label="Referred by card (optional)" name="referredBy" autoComplete="off" />
      </ActionForm>
      <OutcomeNote outcome={outcome} done={(v) => `Card ${v.member?.cardNumber} enrolled.`} />
    </Card>
  );
}

/** The end of a success note: the card's balance after the action. */
function NewBalance({ member }: { member?: { cardNumber: string; balance: number } | null }) {
  if (!member) return null;
  return (
    <>
      {' '}
      — card {member.cardNumber} now has {formatPoints(member.balance)}
    </>
  );
}

interface KeyedFormProps {
  keys: ReturnType<typeof useIdempotencyKeys>;
  onDone: (cardNumber: string | undefined) => void;
}

function PurchaseForm({ card, currency, keys, onDone }: KeyedFormProps & { card: string; currency: string }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{
    pointsEarned?: number | null;
    member?: { cardNumber: string; balance: number } | null;
  }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Record a purchase">
      <ActionForm
        key={`${formKey}:${card}`}
        label="Record purchase"
        busyLabel="Recording…"
        onSubmit={async (form) => {
          const result = await runKeyed(
            keys,
            'purchase',
            (idempotencyKey) =>
              client
                .mutation(RecordPurchase, {
                  input: {
                    cardNumber: text(form, 'cardNumber'),
                    amount: { amount: amountOf(form), currency },
                    reference: text(form, 'reference'),
                    idempotencyKey,
                  },
                })
                .toPromise(),
            (d) => d.recordPurchase,
          );
          setOutcome(result);
          if (result.kind === 'done') {
            setFormKey((k) => k + 1);
            onDone(result.value.member?.cardNumber);
          }
        }}
      >
        <Field label="Card number" name="cardNumber" required autoComplete="off" defaultValue={card} />
        <Field label={`Amount (${currency})`} name="amount" required inputMode="decimal" autoComplete="off" placeholder="0.00" />
        <Field label="Receipt reference" name="reference" required autoComplete="off" hint="Unique at your store; returns quote it" />
      </ActionForm>
      <OutcomeNote
        outcome={outcome}
        done={(v) => (
          <>
            Earned <strong>{formatPoints(v.pointsEarned ?? 0)}</strong>
            <NewBalance member={v.member} />
          </>
        )}
      />
    </Card>
  );
}

function ReturnForm({ currency, keys, onDone }: KeyedFormProps & { currency: string }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{
    pointsReversed?: number | null;
    member?: { cardNumber: string; balance: number } | null;
  }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Record a return">
      <ActionForm
        key={formKey}
        label="Record return"
        busyLabel="Recording…"
        onSubmit={async (form) => {
          const result = await runKeyed(
            keys,
            'return',
            (idempotencyKey) =>
              client
                .mutation(RecordReturn, {
                  input: { reference: text(form, 'reference'), amount: { amount: amountOf(form), currency }, idempotencyKey },
                })
                .toPromise(),
            (d) => d.recordReturn,
          );
          setOutcome(result);
          if (result.kind === 'done') {
            setFormKey((k) => k + 1);
            onDone(result.value.member?.cardNumber);
          }
        }}
      >
        <Field label="Purchase reference" name="reference" required autoComplete="off" />
        <Field
          label={`Amount returned (${currency})`}
          name="amount"
          required
          inputMode="decimal"
          autoComplete="off"
          placeholder="0.00"
          hint="Part or all; several partial returns may follow"
        />
      </ActionForm>
      <OutcomeNote
        outcome={outcome}
        done={(v) => (
          <>
            Took back <strong>{formatPoints(v.pointsReversed ?? 0)}</strong>
            <NewBalance member={v.member} />
          </>
        )}
      />
    </Card>
  );
}

/** A page of a connection as the till reads it: its nodes, or why it could not be read. */
type ListPage<N> = {
  error?: Error;
  connection?: { edges: readonly { node: N }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
};

/** The till asks for lists by the largest page the server allows. */
const LIST_PAGE = 100;

/**
 * Every node of a list the till needs in full (its rewards, the activities it may report), read
 * page by page; on a failed page, what was read so far and the error. `loadPage` must be stable.
 */
function useWholeList<N>(loadPage: (after: string | null) => Promise<ListPage<N>>): { items: N[] | null; error?: Error } {
  const [state, setState] = useState<{ items: N[] | null; error?: Error }>({ items: null });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const all: N[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const { error, connection } = await loadPage(after);
        if (error || !connection) {
          if (!cancelled) setState({ items: all, error: error ?? new Error('The server sent no answer') });
          return;
        }
        all.push(...connection.edges.map((e) => e.node));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor ?? null;
      }
      if (!cancelled) setState({ items: all });
    })();
    return () => {
      cancelled = true;
    };
  }, [loadPage]);
  return state;
}

/** This partner's active rewards (the ones it fulfils, so it may redeem them at its till). */
function useFulfilledRewards(partnerId: string): { rewards: Reward[] | null; error?: Error } {
  const client = useClient();
  const loadPage = useCallback(
    async (after: string | null) => {
      const result = await client.query(TillRewards, { first: LIST_PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
      return { error: result.error, connection: result.data?.rewards };
    },
    [client],
  );
  const { items, error } = useWholeList(loadPage);
  return { rewards: items && items.filter((r) => r.active && r.fulfilledBy.id === partnerId), error };
}

type Redeemed = {
  redemption?: {
    pointsSpent: number;
    reward: { name: string; kind: string };
    voucher?: { code: string } | null;
    giftCard?: { code?: string | null; balance: { amount: string; currency: string }; expiresAt: string } | null;
  } | null;
  member?: { cardNumber: string; balance: number } | null;
};

function RedeemForm({ card, partnerId, keys, onDone }: KeyedFormProps & { card: string; partnerId: string }) {
  const client = useClient();
  const { rewards, error } = useFulfilledRewards(partnerId);
  const [outcome, setOutcome] = useState<Outcome<Redeemed> | null>(null);
  return (
    <Card title="Redeem a reward">
      {rewards === null && <p className="muted">Loading your rewards…</p>}
      <ErrorNote error={error} />
      {rewards?.length === 0 && !error && <Empty>The catalogue has no active reward fulfilled by you.</Empty>}
      {rewards && rewards.length > 0 && (
        <ActionForm
          key={card}
          label="Redeem"
          busyLabel="Redeeming…"
          onSubmit={async (form) => {
            const result = await runKeyed(
              keys,
              'redeem',
              (idempotencyKey) =>
                client
                  .mutation(RedeemReward, {
                    input: { cardNumber: text(form, 'cardNumber'), rewardId: text(form, 'rewardId'), idempotencyKey },
                  })
                  .toPromise(),
              (d) => d.redeemReward,
            );
            setOutcome(result);
            if (result.kind === 'done') onDone(result.value.member?.cardNumber);
          }}
        >
          <Field label="Card number" name="cardNumber" required autoComplete="off" defaultValue={card} />
          <SelectField
            label="Reward"
            name="rewardId"
            required
            options={rewards.map((r) => ({
              value: r.id,
              label: `${r.name} — ${formatPoints(r.pointsCost)}${r.kind === 'GIFT_CARD' ? ` (gift card ${formatMoney(r.giftCardValue)})` : ''}`,
            }))}
          />
        </ActionForm>
      )}
      <OutcomeNote
        outcome={outcome}
        done={(v) => (
          <>
            {v.redemption?.reward.name} for {formatPoints(v.redemption?.pointsSpent)}
            <NewBalance member={v.member} />.
            {v.redemption?.voucher && (
              <span className="code-line">
                Voucher code: <code className="secret">{v.redemption.voucher.code}</code>
              </span>
            )}
            {v.redemption?.giftCard?.code && (
              <span className="code-line">
                Gift card code, shown only now (hand it to the member; it will not be shown again):{' '}
                <code className="secret">{v.redemption.giftCard.code}</code> — {formatMoney(v.redemption.giftCard.balance)} until{' '}
                {formatDate(v.redemption.giftCard.expiresAt)}
              </span>
            )}
          </>
        )}
      />
    </Card>
  );
}

/** The active activity rules this partner may report: its own and the operator's. */
function useReportableActivities(): { rules: { code: string; name: string; points: number }[] | null; error?: Error } {
  const client = useClient();
  const loadPage = useCallback(
    async (after: string | null) => {
      const result = await client.query(TillActivityRules, { first: LIST_PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
      return { error: result.error, connection: result.data?.activityRules };
    },
    [client],
  );
  const { items, error } = useWholeList(loadPage);
  return { rules: items && items.filter((r) => r.active), error };
}

function ActivityForm({ card, keys, onDone }: KeyedFormProps & { card: string }) {
  const client = useClient();
  const { rules, error } = useReportableActivities();
  const [outcome, setOutcome] = useState<Outcome<{
    transaction?: { points: number } | null;
    member?: { cardNumber: string; balance: number } | null;
  }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Record activity">
      {rules === null && <p className="muted">Loading the activities you may report…</p>}
      <ErrorNote error={error} />
      {rules?.length === 0 && !error && <Empty>No active activity rule you may report.</Empty>}
      {rules && rules.length > 0 && (
        <ActionForm
          key={`${formKey}:${card}`}
          label="Record activity"
          busyLabel="Recording…"
          onSubmit={async (form) => {
            const result = await runKeyed(
              keys,
              'activity',
              (idempotencyKey) =>
                client
                  .mutation(RecordActivity, {
                    input: {
                      cardNumber: text(form, 'cardNumber'),
                      code: text(form, 'code'),
                      reference: text(form, 'reference'),
                      idempotencyKey,
                    },
                  })
                  .toPromise(),
              (d) => d.recordActivity,
            );
            setOutcome(result);
            if (result.kind === 'done') {
              setFormKey((k) => k + 1);
              onDone(result.value.member?.cardNumber);
            }
          }}
        >
          <Field label="Card number" name="cardNumber" required autoComplete="off" defaultValue={card} />
          <SelectField
            label="Activity"
            name="code"
            required
            options={rules.map((r) => ({ value: r.code, label: `${r.name} (${r.code}) — ${formatPoints(r.points)}` }))}
          />
          <Field
            label="Activity reference"
            name="reference"
            required
            autoComplete="off"
            hint="Your ID of it (the review …), shown in the history"
          />
        </ActionForm>
      )}
      <OutcomeNote
        outcome={outcome}
        done={(v) => (
          <>
            Credited <strong>{formatPoints(v.transaction?.points ?? 0)}</strong>
            <NewBalance member={v.member} />
          </>
        )}
      />
    </Card>
  );
}

function VoucherForm({ onDone }: { onDone: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{ voucher?: { code: string; usedAt?: string | null } | null }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Use a voucher">
      <ActionForm
        key={formKey}
        label="Use voucher"
        busyLabel="Checking…"
        onSubmit={async (form) => {
          const result = await run(
            () => client.mutation(UseVoucher, { input: { code: text(form, 'code') } }).toPromise(),
            (d) => d.useVoucher,
          );
          setOutcome(result);
          if (result.kind === 'done') {
            setFormKey((k) => k + 1);
            onDone();
          }
        }}
      >
        <Field label="Voucher code" name="code" required autoComplete="off" />
      </ActionForm>
      <OutcomeNote outcome={outcome} done={(v) => `Voucher ${v.voucher?.code} accepted: honour it now. It cannot be used again.`} />
    </Card>
  );
}

function GiftCardForm({ currency, keys, onDone }: KeyedFormProps & { currency: string }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{
    giftCard?: { balance: { amount: string; currency: string }; expiresAt: string } | null;
  }> | null>(null);
  const [formKey, setFormKey] = useState(0);
  return (
    <Card title="Spend a gift card">
      <ActionForm
        key={formKey}
        label="Spend"
        busyLabel="Spending…"
        onSubmit={async (form) => {
          const result = await runKeyed(
            keys,
            'gift-card',
            (idempotencyKey) =>
              client
                .mutation(SpendGiftCard, {
                  input: { code: text(form, 'code'), amount: { amount: amountOf(form), currency }, idempotencyKey },
                })
                .toPromise(),
            (d) => d.redeemGiftCard,
          );
          setOutcome(result);
          if (result.kind === 'done') {
            setFormKey((k) => k + 1);
            onDone(undefined);
          }
        }}
      >
        <Field label="Gift card code" name="code" required autoComplete="off" hint="Spaces, dashes and case do not matter" />
        <Field label={`Amount (${currency})`} name="amount" required inputMode="decimal" autoComplete="off" placeholder="0.00" />
      </ActionForm>
      <OutcomeNote
        outcome={outcome}
        done={(v) => (
          <>
            Taken off the card. Balance left: <strong>{formatMoney(v.giftCard?.balance)}</strong>
            {v.giftCard && <> (valid until {formatDate(v.giftCard.expiresAt)})</>}
          </>
        )}
      />
    </Card>
  );
}
