import { ReactNode, useId, useState } from 'react';

/**
 * The console's building blocks: every page uses these so loading, empty and error states,
 * labels and busy buttons look and behave the same everywhere.
 */

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function Card({ title, children }: { title?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={title ? id : undefined}>
      {title && <h2 id={id}>{title}</h2>}
      {children}
    </section>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A request that failed as a whole (network, credentials, a server fault). */
export function ErrorNote({ error }: { error: { message: string } | undefined | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message.replace(/^\[(GraphQL|Network)\] /, '')}
    </p>
  );
}

export interface UserErrorShape {
  code: string;
  message: string;
}

/** A mutation's business refusals: nothing was changed. */
export function UserErrors({ errors }: { errors: readonly UserErrorShape[] | undefined | null }) {
  if (!errors?.length) return null;
  return (
    <ul className="error" role="alert">
      {errors.map((e, i) => (
        <li key={i}>
          <strong>{e.code}</strong>: {e.message}
        </li>
      ))}
    </ul>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status" aria-live="polite">
      {children}
    </p>
  );
}

/** A labelled input; `hint` is read out with it. */
export function Field({ label, hint, ...input }: { label: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

export function SelectField({
  label,
  options,
  ...select
}: { label: string; options: readonly { value: string; label: string }[] } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A form whose submit runs once at a time: the button is disabled and says so while the action
 * runs, so a double click cannot send it twice.
 */
export function ActionForm({
  label,
  busyLabel = 'Working…',
  onSubmit,
  children,
  className,
}: {
  label: string;
  busyLabel?: string;
  onSubmit: (form: FormData) => Promise<unknown>;
  children?: ReactNode;
  className?: string;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <form
      className={className ?? 'action-form'}
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        try {
          await onSubmit(new FormData(event.currentTarget));
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
      <button type="submit" disabled={busy} aria-busy={busy}>
        {busy ? busyLabel : label}
      </button>
    </form>
  );
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / next page of a cursor connection, with the page number read out. */
export function Pager({
  label,
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  disabled,
}: {
  label: string;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  disabled?: boolean;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="secondary" onClick={onPrevious} disabled={disabled || !hasPrevious}>
        Previous page
      </button>
      <span className="muted" aria-live="polite">
        Page {page}
      </span>
      <button type="button" className="secondary" onClick={onNext} disabled={disabled || !hasNext}>
        Next page
      </button>
    </nav>
  );
}

/**
 * Forward paging through a connection (first/after): the cursors of the pages seen so far, so
 * Previous goes back exactly. `pager` renders the buttons for the page shown.
 */
export function useCursorPages(label: string) {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  return {
    after: stack[stack.length - 1],
    page: stack.length,
    reset: () => setStack([null]),
    pager: (pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined, busy = false) => (
      <Pager
        label={label}
        page={stack.length}
        hasPrevious={stack.length > 1}
        hasNext={Boolean(pageInfo?.hasNextPage && pageInfo.endCursor)}
        disabled={busy}
        onPrevious={() => setStack((s) => s.slice(0, -1))}
        onNext={() => setStack((s) => [...s, pageInfo!.endCursor!])}
      />
    ),
  };
}

/** Saves `data` as a pretty-printed JSON file through the browser's download. */
export function downloadJson(filename: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  Object.assign(document.createElement('a'), { href: url, download: filename }).click();
  URL.revokeObjectURL(url);
}
