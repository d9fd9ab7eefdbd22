import { Route, Routes } from 'react-router-dom';
import { DonatePage } from './donate.page';
import { HistoryPage } from './history.page';
import { MilesPage } from './miles.page';
import { ProfilePage } from './profile.page';
import { RewardsPage } from './rewards.page';
import { CasesPage } from './cases.page';
import { SurveysPage } from './surveys.page';
import { WalletPage } from './wallet.page';
import './member.css';

/** The member app: a phone first (390 px wide and up), signed in with the member's token. */
export const nav = [
  { to: '/member', label: 'Wallet' },
  { to: '/member/history', label: 'History' },
  { to: '/member/rewards', label: 'Rewards' },
  { to: '/member/miles', label: 'Miles' },
  { to: '/member/surveys', label: 'Surveys' },
  { to: '/member/cases', label: 'My cases' },
  { to: '/member/donate', label: 'Donate' },
  { to: '/member/profile', label: 'Profile' },
] as const;

export default function MemberPages() {
  return (
    <Routes>
      <Route path="member" element={<WalletPage />} />
      <Route path="member/history" element={<HistoryPage />} />
      <Route path="member/rewards" element={<RewardsPage />} />
      <Route path="member/miles" element={<MilesPage />} />
      <Route path="member/surveys" element={<SurveysPage />} />
      <Route path="member/surveys/:surveyId" element={<SurveysPage />} />
      <Route path="member/cases" element={<CasesPage />} />
      <Route path="member/donate" element={<DonatePage />} />
      <Route path="member/profile" element={<ProfilePage />} />
    </Routes>
  );
}
