import type { Browser, Page } from 'playwright-core';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TEST_OPERATOR_KEY, TestApp } from '../support/test-app';
import { RecordPurchaseDocument } from '../generated/graphql';
import { launchBrowser, screenshot, signIn } from './support/browser';

let t: TestApp;
let browser: Browser;
let grocer: TestPartner;
let lapsed: string;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  grocer = await onboardPartner(t, { name: 'Corner Grocer', category: 'grocery' });
  // Three members enrolled two months ago: one buys every week, one stopped 60 days ago (at risk, consented), one is new.
  const regular = await enrolMember(t);
  lapsed = await enrolMember(t);
  const fresh = await enrolMember(t);
  const buys: [string, number][] = [
    ...[1, 8, 15, 22, 29, 36].map((d): [string, number] => [regular, d]),
    [lapsed, 62],
    [lapsed, 60],
    [fresh, 0],
  ];
  for (const [cardNumber, ago] of buys) {
    const reference = newKey();
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber, amount: { amount: '25.00', currency: 'EUR' }, reference, idempotencyKey: newKey() },
    });
    await t.dataSource.query(`UPDATE purchases SET created_at = $1 WHERE reference = $2`, [daysAgo(ago), reference]);
  }
  await t.dataSource.query(`UPDATE members SET created_at = $1 WHERE card_number IN ($2, $3)`, [daysAgo(65), regular, lapsed]);
  await t.dataSource.query(
    `UPDATE members SET marketing_consent = true, marketing_consent_at = now(), marketing_consent_source = 'till', first_name = 'Ada',
            email = 'ada@example.com' WHERE card_number = $1`,
    [lapsed],
  );
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function openRetention(credential: string, pages: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, t.app.url, credential);
  await page.getByRole('navigation', { name: pages }).getByRole('link', { name: 'Retention', exact: true }).click();
  await page.getByRole('heading', { name: 'Retention', level: 1 }).waitFor();
  await page.getByRole('table', { name: 'Cohort retention' }).waitFor();
  return page;
}

describe('retention console', () => {
  it('shows the operator the figures, the cohort triangle, the segments and the follow-ups with emails', async () => {
    const page = await openRetention(TEST_OPERATOR_KEY, 'Operator pages');
    const cohorts = page.getByRole('table', { name: 'Cohort retention' });
    // Two cohorts: two months ago (2 members) and this month (the new one).
    expect(await cohorts.getByRole('row').count()).toBe(3);
    const segments = page.getByRole('table', { name: 'Members and their spend per segment' });
    for (const name of ['NEW', 'CHAMPIONS', 'AT_RISK', 'HIBERNATING']) await segments.getByRole('cell', { name, exact: true }).waitFor();
    const followUps = page.getByRole('table', { name: 'At-risk follow-ups' });
    await followUps.getByRole('cell', { name: 'ada@example.com' }).waitFor();
    await followUps.getByRole('cell', { name: lapsed }).waitFor();
    await screenshot(page, 'operator-retention');
    // One partner's members only.
    await page.getByLabel('Members of').selectOption({ label: 'Corner Grocer (grocery, EUR)' });
    await page.getByRole('table', { name: 'Cohort retention' }).waitFor();
  });

  it('shows a partner its own members’ retention, without emails', async () => {
    const page = await openRetention(grocer.key, 'Partner pages');
    const followUps = page.getByRole('table', { name: 'At-risk follow-ups' });
    await followUps.getByRole('cell', { name: 'Ada' }).waitFor();
    expect(await followUps.getByRole('columnheader').allTextContents()).toEqual(['Card', 'First name', 'Last purchase']);
    await screenshot(page, 'partner-retention');
  });
});
