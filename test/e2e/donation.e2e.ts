import type { Browser, Page } from 'playwright-core';
import { enrolMember, newKey, onboardPartner } from '../support/coalition-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { MemberDonationsDocument, RecordPurchaseDocument } from '../generated/graphql';
import { launchBrowser, PHONE, screenshot, signIn } from './support/browser';

/** A member with 1,000 points gives 400 of them to a charity on a phone-sized page. */
let t: TestApp;
let browser: Browser;
let page: Page;
let card: string;

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  const grocer = await onboardPartner(t, { name: 'Corner Grocer', category: 'grocery', pointsPerUnit: '10' });
  await onboardPartner(t, { name: 'Clean Rivers Fund', category: 'charity', redemptionValuePerPoint: '0.0075' });
  card = await enrolMember(t);
  await grocer.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount: '100.00', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
  });
  page = await (await browser.newContext({ ...PHONE, locale: 'en-GB' })).newPage();
  await signIn(page, t.app.url, await t.memberToken(card));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

it('donates points to a charity, showing what the charity receives, and lists the donation', async () => {
  await page.getByRole('navigation', { name: 'Member pages' }).getByRole('link', { name: 'Donate' }).click();
  await page.getByRole('heading', { level: 1, name: 'Donate' }).waitFor();
  await page.getByRole('combobox', { name: 'Charity' }).selectOption({ label: 'Clean Rivers Fund' });
  await page.getByRole('textbox', { name: 'Points' }).fill('400');
  await page.getByText('Clean Rivers Fund receives €3.00').waitFor();
  await page.getByRole('button', { name: 'Donate' }).dblclick();
  await page.getByText('Thank you: 400 pts give Clean Rivers Fund €3.00.').waitFor();
  const list = page.getByRole('list', { name: 'Donations' });
  await list.getByText('Clean Rivers Fund').waitFor();
  await screenshot(page, 'member-donate');
  // A double click is one donation.
  const { member } = await t.operator.ok(MemberDonationsDocument, { cardNumber: card });
  expect(member).toMatchObject({ balance: 600, donations: { edges: [{ node: { points: 400, value: { amount: '3.00' } } }] } });
});
