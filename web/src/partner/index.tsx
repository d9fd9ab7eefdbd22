import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Loading } from '../ui/kit';
import { MilesPage } from './miles.page';
import './partner.css';
import { PurchasesPage } from './purchases.page';
import { ServiceCasesPage } from './service-cases.page';
import { TillPage } from './till.page';
import { WebhooksPage } from './webhooks.page';

// Statements bring recharts: loaded on their own so the till, used all day, stays small.
const StatementsPage = lazy(() => import('./statements.page').then((m) => ({ default: m.StatementsPage })));
const RetentionPage = lazy(() => import('./retention.page').then((m) => ({ default: m.RetentionPage })));

export const nav = [
  { to: '/partner', label: 'Till' },
  { to: '/partner/purchases', label: 'Purchases' },
  { to: '/partner/cases', label: 'Service cases' },
  { to: '/partner/statements', label: 'Statements' },
  { to: '/partner/webhooks', label: 'Webhooks' },
  { to: '/partner/miles', label: 'Miles' },
  { to: '/partner/retention', label: 'Retention' },
] as const;

export default function PartnerPages() {
  return (
    <Routes>
      <Route path="partner" element={<TillPage />} />
      <Route path="partner/purchases" element={<PurchasesPage />} />
      <Route path="partner/cases" element={<ServiceCasesPage />} />
      <Route
        path="partner/statements"
        element={
          <Suspense fallback={<Loading what="Loading statements" />}>
            <StatementsPage />
          </Suspense>
        }
      />
      <Route
        path="partner/retention"
        element={
          <Suspense fallback={<Loading what="Loading retention" />}>
            <RetentionPage />
          </Suspense>
        }
      />
      <Route path="partner/webhooks" element={<WebhooksPage />} />
      <Route path="partner/miles" element={<MilesPage />} />
      <Route path="partner/*" element={<Navigate to="/partner" replace />} />
    </Routes>
  );
}
