import { ReactNode, useId } from 'react';
import { formatPoints } from '../format';

/** Small pieces of the member app, sized for a phone first. */

/** Signed points as the member sees them: "+120 pts" green, "−35 pts" red. */
export function PointsDelta({ points }: { points: number }) {
  const sign = points > 0 ? '+' : points < 0 ? '−' : '';
  return (
    <span className={`delta ${points > 0 ? 'plus' : points < 0 ? 'minus' : ''}`}>
      {sign}
      {formatPoints(Math.abs(points))}
    </span>
  );
}

/** A progress bar that screen readers read as one ("12 of 20"). */
export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const shown = Math.max(0, Math.min(value, max));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={shown}
      aria-valuetext={`${shown} of ${max}`}
    >
      <div className="progress-fill" style={{ width: `${max > 0 ? (shown / max) * 100 : 0}%` }} />
    </div>
  );
}

export function TextArea({ label, hint, ...area }: { label: string; hint?: string } & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} aria-describedby={hint ? `${id}-hint` : undefined} {...area} />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'wait' | 'off' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A list of items as stacked rows (no tables on a phone). */
export function ItemList({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ul className="items" aria-label={label}>
      {children}
    </ul>
  );
}
