import { Route, Routes } from 'react-router-dom';
import { OperatorOverview } from './overview.page';

export const nav = [{ to: '/operator', label: 'Overview' }] as const;

export default function OperatorPages() {
  return (
    <Routes>
      <Route path="operator" element={<OperatorOverview />} />
    </Routes>
  );
}
