import type { Browser, Page } from 'playwright-core';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TEST_OPERATOR_KEY, TestApp } from '../support/test-app';
import { print, type DocumentNode } from 'graphql';
import { formatDocument } from 'urql';
import { DisputeSettlementLineDocument, RecordPurchaseDocument } from '../generated/graphql';
import * as consoleDocuments from '../../web/src/gql/graphql';
import { launchBrowser, screenshot, signIn } from './support/browser';

let t: TestApp;
let browser: Browser;
let page: Page;
let pharmacy: TestPartner;
let card: string;
beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  // A partner with some trade, seeded through the API with its own key as its tills would.
  pharmacy = await onboardPartner(t, { name: 'Sunrise Pharmacy', category: 'pharmacy' });
  card = await enrolMember(t);
  for (const amount of ['120.00', '80.50']) {
    const { recordPurchase } = await pharmacy.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
    expect(recordPurchase.userErrors).toEqual([]);
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signIn(page, t.app.url, TEST_OPERATOR_KEY);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const nav = (label: string) => page.getByRole('navigation', { name: 'Operator pages' }).getByRole('link', { name: label, exact: true });
const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text });
const region = (name: string) => page.getByRole('region', { name, exact: true });

/** `<input type="datetime-local">` wants local wall time. */
const localDateTime = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe('operator console', () => {
  it('sends only documents within the server’s depth and cost limits', async () => {
    const documents = Object.entries(consoleDocuments).filter(([name]) => /^Operator\w+Document$/.test(name));
    expect(documents.length).toBeGreaterThan(20);
    const refused: string[] = [];
    for (const [name, document] of documents) {
      // As urql sends it (with __typename in every selection). Validation, and so the limits, runs
      // before variables are read: a document within the limits fails only for its missing variables.
      const answer = await t.operator.post({ query: print(formatDocument(document as DocumentNode)) });
      const limit = answer.errors?.find((e) => /limit|depth|cost/i.test(e.message));
      if (limit) refused.push(`${name}: ${limit.message}`);
    }
    expect(refused).toEqual([]);
  });

  it('lists the pages in order, Overview first', async () => {
    const labels = await page.getByRole('navigation', { name: 'Operator pages' }).getByRole('link').allTextContents();
    expect(labels).toEqual([
      'Overview',
      'Partners',
      'Members',
      'Rewards',
      'Promotions',
      'Activity rules',
      'Tiers',
      'Service cases',
      'Settlement',
      'Liability',
      'Retention',
    ]);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  });

  it('onboards a partner, showing its API key once, and amends its contract', async () => {
    await nav('Partners').click();
    const form = region('Onboard a partner');
    await form.getByLabel('Name').fill('Cinema Lumière');
    await form.getByLabel('Category').fill('cinema');
    await form.getByLabel('Currency').fill('EUR');
    await form.getByLabel('Points per unit').fill('1');
    await form.getByLabel('Issuance price per point').fill('0.01');
    await form.getByLabel('Redemption value per point').fill('0.008');
    await form.getByLabel('Gift-card reimbursement rate').fill('0.95');
    await form.getByRole('button', { name: 'Create partner' }).click();

    await status('shown only this once').waitFor();
    const apiKey = (await page.getByLabel('API key for Cinema Lumière').textContent())!;
    expect(apiKey).toMatch(/^cpk_/);
    // The key shown is the partner's real credential.
    const who = await t.anonymous.as(apiKey).post({ query: '{ viewerRole currentPartner { name } }' });
    expect(who.data).toEqual({ viewerRole: 'PARTNER', currentPartner: { name: 'Cinema Lumière' } });
    await region('All partners').getByRole('link', { name: 'Cinema Lumière' }).waitFor();
    await screenshot(page, 'operator-partners');

    // Shown once: gone after a reload, and nowhere on the partner's page.
    await page.reload();
    await region('All partners').getByRole('link', { name: 'Cinema Lumière' }).click();
    await page.getByRole('heading', { name: 'Cinema Lumière', level: 1 }).waitFor();
    expect(await page.content()).not.toContain(apiKey);
    const keys = region('API keys');
    await keys.getByRole('cell', { name: 'Active' }).waitFor();

    const contract = region('Contract');
    await contract.getByRole('cell', { name: '0.01', exact: true }).waitFor();
    const tomorrow = new Date(Date.now() + 86_400_000);
    await contract.getByLabel('Issuance price per point').fill('0.012');
    await contract.getByLabel('Effective from').fill(localDateTime(tomorrow));
    await contract.getByRole('button', { name: 'Amend contract' }).click();
    await contract
      .getByRole('status')
      .filter({ hasText: /Version 2 applies from/ })
      .waitFor();
    // Version 1 stays in force until tomorrow.
    await contract.getByText(/Terms in force now: version 1/).waitFor();
    await screenshot(page, 'operator-partner');
  });

  it('adds a reward fulfilled by one partner and sponsored by another', async () => {
    await nav('Rewards').click();
    const form = region('Add a reward');
    await form.getByLabel('Reward name').fill('Cinema ticket');
    await form.getByLabel('Kind').selectOption('VOUCHER');
    await form.getByLabel('Points cost').fill('150');
    await form.getByLabel('Fulfilling partner').selectOption({ label: 'Cinema Lumière (cinema, EUR)' });
    await form.getByLabel('Sponsoring partner').selectOption({ label: 'Sunrise Pharmacy (pharmacy, EUR)' });
    await form.getByLabel('Sponsor contribution (EUR)').fill('1.50');
    await form.getByRole('button', { name: 'Create reward' }).click();
    await form.getByRole('status').filter({ hasText: 'Cinema ticket is in the catalogue.' }).waitFor();
    const row = region('Catalogue').getByRole('row').filter({ hasText: 'Cinema ticket' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sunrise Pharmacy');
  });

  it('looks up a member by the beginning of the card and shows its balance and history', async () => {
    await nav('Members').click();
    await page.getByLabel('Card number or its beginning').fill(card.slice(0, -3));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: card }).click();
    await page.getByRole('heading', { name: `Card ${card}`, level: 1 }).waitFor();
    await region('Balance').getByText('200 pts').waitFor();
    const history = region('History').getByRole('row').filter({ hasText: 'EARN' });
    await expect(history.count()).resolves.toBe(2);
  });

  it('closes a period, shows the statement and marks its payment instruction paid', async () => {
    await nav('Settlement').click();
    await page.getByRole('button', { name: 'Close period' }).click();
    await status(/Closed the period ending/).waitFor();

    const statement = page.getByRole('row').filter({ hasText: 'Sunrise Pharmacy' });
    await statement.waitFor();
    // 200 points issued at 0.01: the pharmacy owes €2.00, and the operator's margin balances it.
    expect(await statement.textContent()).toMatch(/ISSUANCE.*-€2\.00.*200 pts/);
    await page.getByText(/operator margin\s*€2\.00/).waitFor();
    expect(await statement.getByText('OPEN').count()).toBe(1);

    await statement.getByLabel('Payment reference for Sunrise Pharmacy').fill('SEPA-2026-0001');
    await statement.getByRole('button', { name: 'Mark paid' }).click();
    await statement.getByText('PAID', { exact: true }).waitFor();
    await statement.getByText('ref SEPA-2026-0001').waitFor();
    await screenshot(page, 'operator-settlement');
  });

  it('resolves a partner’s dispute with an adjustment', async () => {
    const periods = await t.operator.post({ query: '{ settlementPeriods(first: 1) { edges { node { id } } } }' });
    const periodId = periods.data.settlementPeriods.edges[0].node.id;
    const { disputeSettlementLine } = await pharmacy.client.ok(DisputeSettlementLineDocument, {
      input: { periodId, kind: 'ISSUANCE', currency: 'EUR', reason: 'One purchase was a test at the till' },
    });
    expect(disputeSettlementLine.userErrors).toEqual([]);
    await page.reload();
    const dispute = page.getByRole('region', { name: 'Dispute by Sunrise Pharmacy' });
    await dispute.getByText('One purchase was a test at the till', { exact: false }).waitFor();
    await dispute.getByLabel('Resolution').fill('Till log confirms the test purchase');
    await dispute.getByLabel('Adjustment (EUR)').fill('0.80');
    await dispute.getByRole('button', { name: 'Resolve' }).click();
    await region('Disputes').getByRole('row').filter({ hasText: 'Till log confirms the test purchase' }).waitFor();
    // The adjustment lands in the open period, never in the closed statement.
    const items = await t.dataSource.query(
      `SELECT partner_id::text, amount = 0.8 AS exact FROM settlement_items WHERE kind = 'ADJUSTMENT'`,
    );
    expect(items).toEqual([{ partner_id: pharmacy.localId, exact: true }]);
  });

  it('charts the points liability by funding partner and the points earned over time', async () => {
    await nav('Liability').click();
    const byPartner = region('Outstanding points by funding partner');
    await byPartner.locator('svg.recharts-surface').first().waitFor();
    await byPartner.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await byPartner.getByRole('row').filter({ hasText: 'Sunrise Pharmacy' }).textContent()).toContain('200 pts');
    const flow = region('Points earned and redeemed');
    await flow.locator('svg.recharts-surface').first().waitFor();
    await flow.getByLabel('Per').selectOption('MONTH');
    await flow.locator('.chart[data-interval="MONTH"][data-busy="false"] .recharts-bar-rectangle').first().waitFor();
    await screenshot(page, 'operator-liability');
  });
});
