import type { ReactNode } from 'react';
import { formatDateTime, formatPoints } from '../format';
import { graphql } from '../gql';
import type { ServiceCaseRowFragment } from '../gql/graphql';
import { DataTable, SelectField } from './kit';

/** The fields the partner's and the operator's case lists show. */
export const ServiceCaseRow = graphql(`
  fragment ServiceCaseRow on ServiceCase {
    id
    cardNumber
    category
    subject
    status
    purchaseReference
    openedAt
    followUpDueAt
    resolvedAt
    resolution
    goodwillPoints
    satisfaction
    partner {
      id
      name
    }
  }
`);

export type ServiceCaseStatusFilter = 'OPEN' | 'OVERDUE' | 'RESOLVED' | '';

export const CASE_CATEGORIES = ['BILLING', 'PRODUCT', 'SERVICE', 'POINTS', 'OTHER'] as const;

export function StatusFilter({ value, onChange }: { value: ServiceCaseStatusFilter; onChange: (status: ServiceCaseStatusFilter) => void }) {
  return (
    <SelectField
      label="Status"
      value={value}
      onChange={(e) => onChange(e.target.value as ServiceCaseStatusFilter)}
      options={[
        { value: '', label: 'All' },
        { value: 'OPEN', label: 'Open' },
        { value: 'OVERDUE', label: 'Overdue' },
        { value: 'RESOLVED', label: 'Resolved' },
      ]}
    />
  );
}

/** Newest first; `action` adds a last column (resolve, for example). */
export function ServiceCaseTable({
  caption,
  cases,
  showPartner = false,
  action,
}: {
  caption: string;
  cases: readonly ServiceCaseRowFragment[];
  showPartner?: boolean;
  action?: (c: ServiceCaseRowFragment) => ReactNode;
}) {
  return (
    <DataTable
      caption={caption}
      rows={cases}
      rowKey={(c) => c.id}
      columns={[
        { header: 'Opened', cell: (c) => formatDateTime(c.openedAt) },
        ...(showPartner ? [{ header: 'Partner', cell: (c: ServiceCaseRowFragment) => c.partner?.name ?? 'Operator' }] : []),
        { header: 'Card', cell: (c) => c.cardNumber },
        { header: 'Subject', cell: (c) => `${c.subject}${c.purchaseReference ? ` (purchase ${c.purchaseReference})` : ''}` },
        { header: 'Category', cell: (c) => c.category },
        { header: 'Status', cell: (c) => <span className={`case-${c.status.toLowerCase()}`}>{c.status}</span> },
        { header: 'Follow-up due', cell: (c) => formatDateTime(c.followUpDueAt) },
        { header: 'Resolution', cell: (c) => c.resolution ?? '—' },
        { header: 'Goodwill', numeric: true, cell: (c) => (c.goodwillPoints ? formatPoints(c.goodwillPoints) : '—') },
        { header: 'Rating', numeric: true, cell: (c) => (c.satisfaction ? `${c.satisfaction}/5` : '—') },
        ...(action ? [{ header: 'Action', cell: action }] : []),
      ]}
    />
  );
}
