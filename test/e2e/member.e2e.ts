import type { Browser, BrowserContext, Page } from 'playwright-core';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import {
  CreateRewardDocument,
  CreateStampCardDocument,
  CreateSurveyDocument,
  CreateTierDocument,
  MemberStatusDocument,
  MemberWalletDocument,
  RecordPurchaseDocument,
  SetMilesRatioDocument,
  UpdateCoalitionSettingsDocument,
} from '../generated/graphql';
import { launchBrowser, PHONE, screenshot, signIn } from './support/browser';

/**
 * The member app on a phone (390 px): a member with 24 purchases, a tier to climb, a stamp card,
 * points expiring within a month, a voucher and a gift card to redeem, an airline and a survey.
 */
let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let grocer: TestPartner;
let cinema: TestPartner;
let airline: TestPartner;
let card: string;
let surveyId: string;

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  grocer = await onboardPartner(t, { name: 'Corner Grocer', category: 'grocery', pointsPerUnit: '10' });
  cinema = await onboardPartner(t, { name: 'Starlight Cinema', category: 'cinema' });
  airline = await onboardPartner(t, { name: 'Blue Sky Airways', category: 'airline' });
  for (const [name, minQualifyingPoints] of [
    ['Silver', 1000],
    ['Gold', 10000],
  ] as const) {
    await t.operator.ok(CreateTierDocument, { input: { name, minQualifyingPoints, earnMultiplier: '1' } });
  }
  await createReward({ name: 'Free coffee', kind: 'VOUCHER', pointsCost: 150, fulfilledBy: grocer.id });
  await createReward({
    name: 'Starlight Cinema gift card',
    kind: 'GIFT_CARD',
    pointsCost: 400,
    fulfilledBy: cinema.id,
    sponsoredBy: grocer.id,
    giftCardValue: { amount: '10.00', currency: 'EUR' },
  });
  await createReward({ name: 'Weekend for two', kind: 'VOUCHER', pointsCost: 1_000_000, fulfilledBy: cinema.id });
  const { id: bag } = await createReward({ name: 'Free tote bag', kind: 'VOUCHER', pointsCost: 5000, fulfilledBy: grocer.id });
  const { createStampCard } = await t.operator.ok(CreateStampCardDocument, {
    input: {
      name: 'Big shop card',
      partnerId: grocer.id,
      rewardId: bag,
      stampsRequired: 10,
      minimumPurchase: { amount: '50.00', currency: 'EUR' },
    },
  });
  expect(createStampCard.userErrors).toEqual([]);
  await t.operator.ok(SetMilesRatioDocument, {
    input: { airlineId: airline.id, direction: 'TO_MILES', points: 2, miles: 1, minimum: 100 },
  });
  const { createSurvey } = await t.operator.ok(CreateSurveyDocument, { input: { name: 'How was your shop?', points: 50 } });
  surveyId = createSurvey.survey!.id;

  // 24 purchases (two pages of history): the 4 big ones first, earning points that expire in a month.
  card = await enrolMember(t);
  const purchase = async (n: number, amount: string) => {
    const { recordPurchase } = await grocer.client.ok(RecordPurchaseDocument, {
      input: {
        cardNumber: card,
        amount: { amount, currency: 'EUR' },
        reference: `R-${String(n).padStart(2, '0')}`,
        idempotencyKey: newKey(),
      },
    });
    expect(recordPurchase.userErrors).toEqual([]);
  };
  await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { expiryMonths: 1 } });
  for (let n = 1; n <= 4; n++) await purchase(n, '60.00');
  await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { expiryMonths: 36 } });
  for (let n = 5; n <= 24; n++) await purchase(n, '10.00');

  context = await browser.newContext(PHONE);
  page = await context.newPage();
  await signIn(page, t.app.url, await t.memberToken(card));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
});

async function createReward(input: {
  name: string;
  kind: 'VOUCHER' | 'GIFT_CARD';
  pointsCost: number;
  fulfilledBy: string;
  sponsoredBy?: string;
  giftCardValue?: { amount: string; currency: string };
}): Promise<{ id: string }> {
  const { createReward } = await t.operator.ok(CreateRewardDocument, { input });
  expect(createReward.userErrors).toEqual([]);
  return { id: createReward.reward!.id };
}

const wallet = async () => (await t.operator.ok(MemberWalletDocument, { cardNumber: card })).member!;

/** Nothing is wider than the phone: no sideways scrolling. */
async function expectNoHorizontalOverflow() {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
}

async function openTab(label: string) {
  await page.getByRole('navigation', { name: 'Member pages' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

describe('member app on a phone', () => {
  it('shows the wallet: balance, tier progress, points expiring soon, stamp cards', async () => {
    await page.getByRole('heading', { level: 1, name: 'Wallet' }).waitFor();
    await page.getByLabel('Points balance', { exact: true }).waitFor();
    expect(await page.getByLabel('Points balance', { exact: true }).textContent()).toBe('4,400 pts');
    expect(await page.getByLabel('Tier', { exact: true }).textContent()).toContain('Silver');
    expect(await page.getByLabel('Progress to the next tier', { exact: true }).textContent()).toBe('5,600 pts more to reach Gold');
    expect(await page.getByRole('progressbar', { name: 'Progress to Gold' }).getAttribute('aria-valuenow')).toBe('3400');
    expect(await page.getByLabel('Points expiring soon', { exact: true }).textContent()).toContain('2,400 pts expire in the next 90 days');
    expect(await page.getByLabel('Big shop card stamps', { exact: true }).textContent()).toBe('4 / 10');
    await expectNoHorizontalOverflow();
    await screenshot(page, 'member-wallet');
  });

  it('pages through the history, newest first, 20 at a time', async () => {
    await openTab('History');
    const rows = page.getByRole('list', { name: 'Transactions' }).getByRole('listitem');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(20);
    expect(await rows.first().textContent()).toContain('R-24');
    expect(await rows.first().textContent()).toContain('+100 pts');
    expect(await rows.last().textContent()).toContain('R-05');
    const previous = page.getByRole('button', { name: 'Previous page' });
    const next = page.getByRole('button', { name: 'Next page' });
    expect(await previous.isDisabled()).toBe(true);
    await expectNoHorizontalOverflow();
    await screenshot(page, 'member-history');

    await next.click();
    await page.getByText('Page 2').waitFor();
    await page.getByText('R-04').waitFor();
    expect(await rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('R-04');
    expect(await rows.last().textContent()).toContain('+600 pts');
    expect(await next.isDisabled()).toBe(true);

    await previous.click();
    await page.getByText('Page 1').waitFor();
    await page.getByText('R-24').waitFor();
    expect(await rows.count()).toBe(20);
    expect(await previous.isDisabled()).toBe(true);
  });

  it('redeems the voucher once on a double click and shows its code once', async () => {
    await openTab('Rewards');
    const before = await wallet();
    const coffee = page.getByRole('listitem', { name: 'Free coffee' });
    await coffee.waitFor();
    expect(await coffee.textContent()).toContain('You can redeem this');
    expect(await page.getByRole('listitem', { name: 'Weekend for two' }).textContent()).toContain('short');
    expect(await page.getByRole('listitem', { name: 'Weekend for two' }).getByRole('button', { name: 'Redeem' }).isDisabled()).toBe(true);

    const redeemCalls: string[] = [];
    page.on('request', (request) => {
      const body = request.postData() ?? '';
      if (body.includes('MemberRedeemReward')) redeemCalls.push(JSON.parse(body).variables.input.idempotencyKey);
    });
    await coffee.getByRole('button', { name: 'Redeem' }).dblclick();
    const reveal = page.getByRole('region', { name: 'Your voucher' });
    await reveal.waitFor();
    await page.waitForTimeout(500);

    const after = await wallet();
    expect(after.balance).toBe(before.balance - 150);
    expect(after.vouchers).toHaveLength(before.vouchers.length + 1);
    const code = after.vouchers.find((v) => !before.vouchers.some((b) => b.id === v.id))!.code;
    expect(redeemCalls).toHaveLength(1);
    expect(await page.locator('.reveal').count()).toBe(1);
    expect(await reveal.getByLabel('Voucher code', { exact: true }).textContent()).toBe(code);
    // Listed under "My vouchers" for the till later, and the balance follows.
    await page.getByRole('list', { name: 'My vouchers' }).getByText(code).waitFor();
    expect(await page.getByRole('list', { name: 'My vouchers' }).getByRole('listitem').count()).toBe(1);
    await page.getByText(`You have ${(before.balance - 150).toLocaleString('en-US')} pts to spend.`).waitFor();
    await expectNoHorizontalOverflow();
    await reveal.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('.reveal').count()).toBe(0);
  });

  it('redeems a gift card and shows its code, balance and where it is spent, once', async () => {
    const before = await wallet();
    await page.getByRole('listitem', { name: 'Starlight Cinema gift card' }).getByRole('button', { name: 'Redeem' }).click();
    const reveal = page.getByRole('region', { name: 'Your gift card' });
    await reveal.waitFor();
    const code = await reveal.getByLabel('Gift card code', { exact: true }).textContent();
    expect(code).toMatch(/^GC-/);
    expect(await reveal.getByLabel('Gift card balance', { exact: true }).textContent()).toMatch(
      /Balance €10\.00, to spend at Starlight Cinema until/,
    );
    expect(await reveal.textContent()).toContain('shown only this once');
    const after = await wallet();
    expect(after.balance).toBe(before.balance - 400);
    expect(after.giftCards).toHaveLength(1);
    expect(after.giftCards[0]).toMatchObject({ balance: { amount: '10.00', currency: 'EUR' }, redeemableAt: { name: 'Starlight Cinema' } });
    const cards = page.getByRole('list', { name: 'My gift cards' });
    await cards.getByRole('listitem').first().waitFor();
    const giftCard = await cards.getByRole('listitem').first().textContent();
    expect(giftCard).toContain('€10.00');
    expect(giftCard).toMatch(/of €10\.00 · spend until .* · only at Starlight Cinema/);
    // The code is nowhere else on the page, and the API no longer tells it.
    expect(await page.getByText(code!, { exact: true }).count()).toBe(1);
    await expectNoHorizontalOverflow();
    await screenshot(page, 'member-rewards');
    await reveal.getByRole('button', { name: 'I have saved the code' }).click();
    expect(await page.getByText(code!).count()).toBe(0);
  });

  it('converts points to miles and shows the PENDING transfer with the held points', async () => {
    await openTab('Miles');
    const before = await wallet();
    await page.getByLabel('Airline', { exact: true }).selectOption({ label: 'Blue Sky Airways' });
    expect(await page.getByLabel('Ratio', { exact: true }).textContent()).toBe('2 pts = 1 mile · at least 100 pts');
    await page.getByLabel('Points', { exact: true }).fill('50');
    await page.getByLabel('Frequent flyer number', { exact: true }).fill('BS-998877');
    await page.getByRole('button', { name: 'Convert' }).click();
    await page.getByRole('alert').filter({ hasText: 'BELOW_MINIMUM' }).waitFor();
    expect((await wallet()).balance).toBe(before.balance);

    await page.getByLabel('Points', { exact: true }).fill('300');
    expect(await page.getByText('You get 150 miles.').count()).toBe(1);
    await page.getByRole('button', { name: 'Convert' }).click();
    await page.getByRole('status').filter({ hasText: 'PENDING' }).waitFor();
    const transfers = page.getByRole('list', { name: 'Miles transfers' }).getByRole('listitem');
    await transfers.first().waitFor();
    expect(await transfers.count()).toBe(1);
    expect(await transfers.first().textContent()).toContain('Blue Sky Airways');
    expect(await transfers.first().textContent()).toContain('PENDING');
    expect(await transfers.first().textContent()).toContain('300 pts → 150 miles');
    expect(await transfers.first().textContent()).toContain('BS-998877');
    const status = (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!;
    expect(status).toMatchObject({ balance: before.balance - 300, heldPoints: 300 });
    expect(status.milesTransfers).toMatchObject([{ status: 'PENDING', points: 300, miles: 150, airline: { name: 'Blue Sky Airways' } }]);
    await expectNoHorizontalOverflow();
    await screenshot(page, 'member-miles');

    await openTab('Wallet');
    await page.getByLabel('Held points', { exact: true }).waitFor();
    expect(await page.getByLabel('Held points', { exact: true }).textContent()).toContain('300 pts held');
  });

  it('answers a survey from its invitation link and earns its points, once', async () => {
    await openTab('Surveys');
    const before = await wallet();
    await page.getByLabel('Survey link or code', { exact: true }).fill(`${t.app.url}/member/surveys/${surveyId}`);
    await page.getByRole('button', { name: 'Open survey' }).click();
    await page.getByLabel(/recommend us/).selectOption('9');
    await page.getByLabel('What did you like most?', { exact: true }).fill('Friendly staff');
    await page.getByRole('button', { name: 'Send answers' }).click();
    await page.getByText(`50 pts added to your card. Your balance is now ${(before.balance + 50).toLocaleString('en-US')} pts.`).waitFor();
    expect((await wallet()).balance).toBe(before.balance + 50);
    const [stored] = await t.dataSource.query(
      `SELECT r.answers FROM survey_responses r JOIN members m ON m.id = r.member_id WHERE m.card_number = $1`,
      [card],
    );
    expect(JSON.stringify(stored.answers)).toContain('Friendly staff');
    await expectNoHorizontalOverflow();

    // The same link again: already answered, nothing more paid.
    await page.goto(`${t.app.url}/member/surveys/${surveyId}`);
    await page.getByLabel(/recommend us/).selectOption('7');
    await page.getByRole('button', { name: 'Send answers' }).click();
    await page.getByText('You have already answered this survey').waitFor();
    expect((await wallet()).balance).toBe(before.balance + 50);
  });

  it('fits every page in 390 px', async () => {
    for (const label of ['Wallet', 'History', 'Rewards', 'Miles', 'Surveys']) {
      await openTab(label);
      await page.waitForLoadState('networkidle');
      await expectNoHorizontalOverflow();
    }
  });
});
