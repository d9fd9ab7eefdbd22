import type { Browser, Locator, Page } from 'playwright-core';
import { MemberHistoryDocument } from '../generated/graphql';
import { enrolMember, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TEST_OPERATOR_KEY, TestApp } from '../support/test-app';
import { launchBrowser, PHONE, screenshot, signIn } from './support/browser';

/**
 * Activity earning in the console: the operator sets up a review rule capped at 2 per day, a
 * bookshop credits a card for reviews at its till until the cap refuses, and the member app's
 * seven pages fit a phone's width.
 */
let t: TestApp;
let browser: Browser;
let bookshop: TestPartner;
let card: string;

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  bookshop = await onboardPartner(t, { name: 'Book Nook', category: 'books' });
  card = await enrolMember(t);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const section = (page: Page, title: string): Locator => page.getByRole('region', { name: title, exact: true });

/** The card's activity credits as the API records them. */
async function activityCredits() {
  const { member } = await t.operator.ok(MemberHistoryDocument, { cardNumber: card, first: 20 });
  return {
    balance: member!.balance,
    references: member!.transactions.edges.map((e) => e.node).flatMap((n) => (n.kind === 'BONUS' ? [n.reference] : [])),
  };
}

describe('activity earning', () => {
  it('lets the operator create a capped rule and switch it off and on', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
    await signIn(page, t.app.url, TEST_OPERATOR_KEY);
    await page.getByRole('navigation', { name: 'Operator pages' }).getByRole('link', { name: 'Activity rules' }).click();
    await page.getByRole('heading', { level: 1, name: 'Activity rules' }).waitFor();

    const create = section(page, 'Create an activity rule');
    await create.getByRole('textbox', { name: 'Code' }).fill('REVIEW');
    await create.getByRole('textbox', { name: 'Rule name' }).fill('Product review');
    await create.getByRole('spinbutton', { name: 'Points' }).fill('50');
    await create.getByRole('spinbutton', { name: 'Cap per member' }).fill('2');
    await create.getByRole('combobox', { name: 'Cap period' }).selectOption('DAY');
    await create.getByRole('combobox', { name: 'Funded by' }).selectOption(bookshop.id);
    await create.getByRole('button', { name: 'Create rule' }).click();
    await create.getByText('Product review (REVIEW) can be reported now.').waitFor();

    const row = section(page, 'Rules').getByRole('row').filter({ hasText: 'REVIEW' });
    await row.getByRole('cell', { name: '2 per day', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Book Nook', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Deactivate REVIEW' }).click();
    await row.getByRole('cell', { name: 'Inactive', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Activate REVIEW' }).click();
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    await screenshot(page, 'operator-activity-rules');
  });

  it('credits reviews at the till up to the cap, a double click being one credit', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
    await signIn(page, t.app.url, bookshop.key);
    const form = section(page, 'Record activity');
    const record = async (reference: string) => {
      await form.getByRole('textbox', { name: 'Card number' }).fill(card);
      await form.getByRole('combobox', { name: 'Activity' }).selectOption('REVIEW');
      await form.getByRole('textbox', { name: 'Activity reference' }).fill(reference);
      await form.getByRole('button', { name: 'Record activity' }).dblclick();
    };
    /** After a credit the till looks the card up again; wait for that before the next entry. */
    const cardShows = (balance: string) =>
      page
        .getByRole('status', { name: `Card ${card}` })
        .getByText(balance)
        .waitFor();

    await record('review-1');
    await form.getByText(`Credited 50 pts — card ${card} now has 50 pts`).waitFor();
    await cardShows('50 pts');
    expect(await activityCredits()).toEqual({ balance: 50, references: ['review-1'] });

    await record('review-2');
    await form.getByText(`Credited 50 pts — card ${card} now has 100 pts`).waitFor();
    await cardShows('100 pts');

    await record('review-3');
    await form.getByRole('alert').getByText('ACTIVITY_CAP_REACHED').waitFor();
    expect(await activityCredits()).toEqual({ balance: 100, references: ['review-2', 'review-1'] });
  });

  it('fits the member nav in a phone: no sideways scroll, every page in view', async () => {
    const page = await (await browser.newContext({ ...PHONE, locale: 'en-GB' })).newPage();
    await signIn(page, t.app.url, await t.memberToken(card));
    await page.getByRole('heading', { level: 1, name: 'Wallet' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Member pages' });
    const links = nav.getByRole('link');
    expect(await links.allTextContents()).toEqual(['Wallet', 'History', 'Rewards', 'Miles', 'Surveys', 'My cases', 'Donate', 'Profile']);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await nav.getByRole('link', { name: 'Wallet' }).isVisible()).toBe(true);
    for (const link of await links.all()) {
      const box = (await link.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    // Reachable by keyboard in order: Tab from the last one of the top bar goes through them.
    await page.getByRole('button', { name: 'Sign out' }).focus();
    for (const label of ['Wallet', 'History']) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe(label);
    }
    await screenshot(page, 'member-nav-phone');
  });
});
