import { Route, Routes } from 'react-router-dom';
import { TillPage } from './till.page';

export const nav = [{ to: '/partner', label: 'Till' }] as const;

export default function PartnerPages() {
  return (
    <Routes>
      <Route path="partner" element={<TillPage />} />
    </Routes>
  );
}
