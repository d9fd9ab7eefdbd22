import { Navigate, Route, Routes } from 'react-router-dom';
import { MilesPage } from './miles.page';
import './partner.css';
import { PurchasesPage } from './purchases.page';
import { StatementsPage } from './statements.page';
import { TillPage } from './till.page';
import { WebhooksPage } from './webhooks.page';

export const nav = [
  { to: '/partner', label: 'Till' },
  { to: '/partner/purchases', label: 'Purchases' },
  { to: '/partner/statements', label: 'Statements' },
  { to: '/partner/webhooks', label: 'Webhooks' },
  { to: '/partner/miles', label: 'Miles' },
] as const;

export default function PartnerPages() {
  return (
    <Routes>
      <Route path="partner" element={<TillPage />} />
      <Route path="partner/purchases" element={<PurchasesPage />} />
      <Route path="partner/statements" element={<StatementsPage />} />
      <Route path="partner/webhooks" element={<WebhooksPage />} />
      <Route path="partner/miles" element={<MilesPage />} />
      <Route path="partner/*" element={<Navigate to="/partner" replace />} />
    </Routes>
  );
}
