import { ReactNode, useRef, useState } from 'react';
import { useQuery, type CombinedError, type OperationResult } from 'urql';
import { newIdempotencyKey } from '../client';
import { graphql } from '../gql';
import { ErrorNote, Notice, SelectField, UserErrors, type UserErrorShape } from '../ui/kit';

/** Every partner, for pickers and for naming partners that other answers give only by ID. */
const PartnerDirectory = graphql(`
  query OperatorPartnerDirectory {
    partners(first: 100) {
      edges {
        node {
          id
          name
          category
          currency
        }
      }
    }
  }
`);

export interface PartnerSummary {
  id: string;
  name: string;
  category: string;
  currency: string;
}

export function usePartners(): { partners: PartnerSummary[]; byId: Map<string, PartnerSummary>; fetching: boolean; error?: CombinedError } {
  const [{ data, fetching, error }] = useQuery({ query: PartnerDirectory, requestPolicy: 'cache-and-network' });
  const partners = data?.partners.edges.map((e) => e.node) ?? [];
  return { partners, byId: new Map(partners.map((p) => [p.id, p])), fetching, error };
}

/** A partner picker; `none` adds a first option with an empty value (e.g. "the operator"). */
export function PartnerSelect({
  label,
  name,
  partners,
  none,
  ...select
}: { label: string; name: string; partners: readonly PartnerSummary[]; none?: string } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const options = [
    ...(none ? [{ value: '', label: none }] : []),
    ...partners.map((p) => ({ value: p.id, label: `${p.name} (${p.category}, ${p.currency})` })),
  ];
  return <SelectField label={label} name={name} options={options} {...select} />;
}

/** The outcome of the last submit of a form: a failed request, business refusals, or a success note. */
export interface Outcome {
  error?: CombinedError;
  userErrors?: readonly UserErrorShape[];
  done?: ReactNode;
}

export function OutcomeNote({ outcome }: { outcome: Outcome }) {
  return (
    <>
      <ErrorNote error={outcome.error} />
      <UserErrors errors={outcome.userErrors} />
      {outcome.done && <Notice>{outcome.done}</Notice>}
    </>
  );
}

/**
 * Runs a mutation and sorts its answer into an Outcome: `pick` takes the payload out of the
 * data; `done` says what succeeded when there were no userErrors.
 */
export async function settle<D, P extends { userErrors: readonly UserErrorShape[] }>(
  result: Promise<OperationResult<D>>,
  pick: (data: D) => P,
  done: (payload: P) => ReactNode,
): Promise<{ outcome: Outcome; payload?: P }> {
  const r = await result;
  if (r.error || !r.data) return { outcome: { error: r.error } };
  const payload = pick(r.data);
  if (payload.userErrors.length > 0) return { outcome: { userErrors: payload.userErrors }, payload };
  return { outcome: { done: done(payload) }, payload };
}

/**
 * One idempotency key per action: the same key goes out again when a submit is retried after the
 * request failed (the first may have been applied), a new one once the server has answered.
 */
export function useIdempotencyKey(): { key: () => string; answered: () => void } {
  const ref = useRef<string | null>(null);
  return {
    key: () => (ref.current ??= newIdempotencyKey()),
    answered: () => {
      ref.current = null;
    },
  };
}

export function useOutcome() {
  return useState<Outcome>({});
}

/** A one-time secret (an API key) with the warning that it is never shown again. */
export function OneTimeSecret({ label, secret }: { label: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="one-time" role="status">
      <p>
        <strong>{label}</strong> — shown only this once. Store it now: only its hash is kept.
      </p>
      <p className="secret" aria-label={label}>
        {secret}
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** A datetime-local field's value as an ISO instant, or null when left empty. */
export function instant(value: FormDataEntryValue | null): string | null {
  const text = String(value ?? '').trim();
  return text ? new Date(text).toISOString() : null;
}

/** A text field's value, or null when left empty. */
export function optional(value: FormDataEntryValue | null): string | null {
  const text = String(value ?? '').trim();
  return text ? text : null;
}

/** `<input type="datetime-local">` wants local wall time without a zone. */
export function localDateTimeValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
