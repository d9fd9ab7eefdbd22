import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Loading } from '../ui/kit';
import { ActivityRulesPage } from './activity-rules.page';
import { MemberPage, MembersPage } from './members.page';
import { OperatorOverview } from './overview.page';
import { PartnerPage } from './partner.page';
import { PartnersPage } from './partners.page';
import { PromotionsPage } from './promotions.page';
import { RewardsPage } from './rewards.page';
import { ServiceCasesPage } from './service-cases.page';
import { SettlementPage } from './settlement.page';
import { TiersPage } from './tiers.page';
import './operator.css';

/** The charts (recharts, most of the console's weight) load only with the page that draws them. */
const LiabilityPage = lazy(() => import('./liability.page').then((m) => ({ default: m.LiabilityPage })));
const RetentionPage = lazy(() => import('./retention.page').then((m) => ({ default: m.RetentionPage })));

export const nav = [
  { to: '/operator', label: 'Overview' },
  { to: '/operator/partners', label: 'Partners' },
  { to: '/operator/members', label: 'Members' },
  { to: '/operator/rewards', label: 'Rewards' },
  { to: '/operator/promotions', label: 'Promotions' },
  { to: '/operator/activity-rules', label: 'Activity rules' },
  { to: '/operator/tiers', label: 'Tiers' },
  { to: '/operator/cases', label: 'Service cases' },
  { to: '/operator/settlement', label: 'Settlement' },
  { to: '/operator/liability', label: 'Liability' },
  { to: '/operator/retention', label: 'Retention' },
] as const;

export default function OperatorPages() {
  return (
    <Routes>
      <Route path="operator" element={<OperatorOverview />} />
      <Route path="operator/partners" element={<PartnersPage />} />
      <Route path="operator/partners/:id" element={<PartnerPage />} />
      <Route path="operator/members" element={<MembersPage />} />
      <Route path="operator/members/:cardNumber" element={<MemberPage />} />
      <Route path="operator/rewards" element={<RewardsPage />} />
      <Route path="operator/promotions" element={<PromotionsPage />} />
      <Route path="operator/activity-rules" element={<ActivityRulesPage />} />
      <Route path="operator/tiers" element={<TiersPage />} />
      <Route path="operator/cases" element={<ServiceCasesPage />} />
      <Route path="operator/settlement" element={<SettlementPage />} />
      <Route
        path="operator/liability"
        element={
          <Suspense fallback={<Loading what="Loading the charts" />}>
            <LiabilityPage />
          </Suspense>
        }
      />
      <Route
        path="operator/retention"
        element={
          <Suspense fallback={<Loading what="Loading the charts" />}>
            <RetentionPage />
          </Suspense>
        }
      />
    </Routes>
  );
}
