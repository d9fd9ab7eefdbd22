import { Route, Routes } from 'react-router-dom';
import { WalletPage } from './wallet.page';

export const nav = [{ to: '/member', label: 'Wallet' }] as const;

export default function MemberPages() {
  return (
    <Routes>
      <Route path="member" element={<WalletPage />} />
    </Routes>
  );
}
