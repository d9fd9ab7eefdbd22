import type { Browser, Locator, Page } from 'playwright-core';
import {
  CloseSettlementPeriodDocument,
  ConvertPointsToMilesDocument,
  CreateRewardDocument,
  CreateRewardInput,
  EnrollMemberDocument,
  PartnerMilesTransfersDocument,
  PartnerPurchasesDocument,
  RecordPurchaseDocument,
  RecordPurchasesDocument,
  RedeemRewardDocument,
  SetMilesRatioDocument,
} from '../generated/graphql';
import { newKey, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { launchBrowser, screenshot, signIn } from './support/browser';

/**
 * The partner console against the real server: a pharmacy's till, purchases, statements and
 * webhooks, and an airline's pending-transfer queue. The operator and members act through the API.
 */
let t: TestApp;
let browser: Browser;
let receiver: WebhookReceiver;
let pharmacy: TestPartner;
let airline: TestPartner;
let giftCardReward: string;
const card = `60${String(Date.now()).slice(-8)}`;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  t = await startTestApp({ COALITION_WEBHOOKS: 'on', COALITION_WEBHOOK_POLL: '100ms' });
  browser = await launchBrowser();
  pharmacy = await onboardPartner(t, { name: 'Sunrise Pharmacy', category: 'pharmacy', pointsPerUnit: '20' });
  airline = await onboardPartner(t, { name: 'Blue Sky Airways', category: 'airline' });
  const reward = async (input: CreateRewardInput) => {
    const { createReward } = await t.operator.ok(CreateRewardDocument, { input });
    expect(createReward.userErrors).toEqual([]);
    return createReward.reward!.id;
  };
  await reward({ name: 'Free vitamin C', kind: 'VOUCHER', pointsCost: 300, fulfilledBy: pharmacy.id });
  giftCardReward = await reward({
    name: 'Pharmacy gift card 10 EUR',
    kind: 'GIFT_CARD',
    pointsCost: 400,
    fulfilledBy: pharmacy.id,
    giftCardValue: { amount: '10.00', currency: 'EUR' },
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.stop();
});

/** A card (section) of the page by its heading. */
const section = (page: Page, title: string): Locator => page.getByRole('region', { name: title, exact: true });

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function purchasesWithReference(reference: string) {
  const data = await pharmacy.client.ok(PartnerPurchasesDocument, { id: pharmacy.id, first: 100, reference });
  return data.node && 'purchases' in data.node ? data.node.purchases.edges.map((e) => e.node) : [];
}

describe('partner console', () => {
  let page: Page;
  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await signIn(page, t.app.url, pharmacy.key);
  });
  afterAll(() => page?.context().close());

  it('serves a member at the till: enrol, a purchase double-clicked once, a retry with the same key, a return, a voucher, a gift card', async () => {
    await page.getByRole('link', { name: 'Till' }).click();

    const enrol = section(page, 'Enrol a card');
    await enrol.getByLabel('Card number').fill(card);
    await enrol.getByRole('button', { name: 'Enrol card' }).click();
    await expect(enrol.getByRole('status').textContent()).resolves.toContain(`Card ${card} enrolled`);
    // Enrolling looks the card up, and the card forms start from it.
    await expect(
      section(page, 'Card lookup')
        .getByRole('status', { name: `Card ${card}` })
        .textContent(),
    ).resolves.toContain('0 pts');

    // A purchase, double-clicked: one purchase is recorded (the button is busy, the key is the same).
    const purchase = section(page, 'Record a purchase');
    await expect(purchase.getByLabel('Card number').inputValue()).resolves.toBe(card);
    await purchase.getByLabel('Amount (EUR)').fill('50.00');
    await purchase.getByLabel('Receipt reference').fill('RX-1001');
    await purchase.getByRole('button', { name: 'Record purchase' }).dblclick();
    await purchase.getByText('Earned 1,000 pts').waitFor();
    expect(await purchasesWithReference('RX-1001')).toHaveLength(1);
    const all = await pharmacy.client.ok(PartnerPurchasesDocument, { id: pharmacy.id, first: 100 });
    expect(all.node && 'purchases' in all.node && all.node.purchases.edges).toHaveLength(1);

    // A refusal is shown as the userError, and changes nothing.
    await purchase.getByLabel('Amount (EUR)').fill('5.00');
    await purchase.getByLabel('Receipt reference').fill('RX-1001');
    await purchase.getByRole('button', { name: 'Record purchase' }).click();
    await expect(purchase.getByRole('alert').textContent()).resolves.toContain('DUPLICATE_REFERENCE');

    // The answer is lost on the way back (the server did record it): the retry sends the same key
    // and gets the first answer; still one purchase.
    const keysSent: string[] = [];
    let dropped = false;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { query?: string; variables?: { input?: { idempotencyKey?: string } } } | null;
      if (!body?.query?.includes('PartnerTillPurchase')) return route.continue();
      keysSent.push(body.variables!.input!.idempotencyKey!);
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await purchase.getByLabel('Amount (EUR)').fill('5.00');
    await purchase.getByLabel('Receipt reference').fill('RX-1002');
    await purchase.getByRole('button', { name: 'Record purchase' }).click();
    await purchase.getByText('Submit again to retry').waitFor();
    await purchase.getByRole('button', { name: 'Record purchase' }).click();
    await purchase.getByText('Earned 100 pts').waitFor();
    await page.unroute('**/graphql');
    expect(keysSent).toHaveLength(2);
    expect(keysSent[1]).toBe(keysSent[0]);
    expect(await purchasesWithReference('RX-1002')).toHaveLength(1);

    // Part of it comes back: 10 of 50 EUR takes back a fifth of the points.
    const ret = section(page, 'Record a return');
    await ret.getByLabel('Purchase reference').fill('RX-1001');
    await ret.getByLabel('Amount returned (EUR)').fill('10.00');
    await ret.getByRole('button', { name: 'Record return' }).click();
    await ret.getByText('Took back 200 pts').waitFor();
    await section(page, 'Card lookup').getByText('900 pts').waitFor();

    // A reward it fulfils, redeemed at the till: the voucher code it gets is then honoured.
    const redeem = section(page, 'Redeem a reward');
    await redeem.getByLabel('Reward').selectOption({ label: 'Free vitamin C — 300 pts' });
    await redeem.getByRole('button', { name: 'Redeem' }).click();
    const voucherCode = (await redeem.locator('code.secret').textContent())!.trim();
    expect(voucherCode.length).toBeGreaterThan(4);
    await section(page, 'Card lookup').getByText(voucherCode).waitFor();
    const voucher = section(page, 'Use a voucher');
    await voucher.getByLabel('Voucher code').fill(voucherCode);
    await voucher.getByRole('button', { name: 'Use voucher' }).click();
    await voucher.getByText('accepted').waitFor();
    await voucher.getByLabel('Voucher code').fill(voucherCode);
    await voucher.getByRole('button', { name: 'Use voucher' }).click();
    await expect(voucher.getByRole('alert').textContent()).resolves.toContain('VOUCHER_USED');

    // The member redeems a gift card in the app; the till takes 7.50 EUR off it.
    const member = t.anonymous.as(await t.memberToken(card));
    const { redeemReward } = await member.ok(RedeemRewardDocument, { input: { rewardId: giftCardReward, idempotencyKey: newKey() } });
    expect(redeemReward.userErrors).toEqual([]);
    const giftCardCode = redeemReward.redemption!.giftCard!.code!;
    const gift = section(page, 'Spend a gift card');
    await gift.getByLabel('Gift card code').fill(giftCardCode);
    await gift.getByLabel('Amount (EUR)').fill('7.50');
    await gift.getByRole('button', { name: 'Spend' }).click();
    await gift.getByText('Balance left: €2.50').waitFor();

    await section(page, 'Card lookup').getByLabel('Card number').fill(card);
    await section(page, 'Card lookup').getByRole('button', { name: 'Look up' }).click();
    await section(page, 'Card lookup').getByText('200 pts').waitFor();
    await screenshot(page, 'partner-till');
  });

  it('lists its purchases with their returns, a page at a time', async () => {
    // 20 more purchases push RX-1001 and RX-1002 onto the second page.
    const { recordPurchases } = await pharmacy.client.ok(RecordPurchasesDocument, {
      input: {
        purchases: Array.from({ length: 20 }, (_, i) => ({
          cardNumber: card,
          amount: { amount: '1.00', currency: 'EUR' },
          reference: `RX-2${String(i).padStart(3, '0')}`,
          idempotencyKey: newKey(),
        })),
      },
    });
    expect(recordPurchases.results.flatMap((r) => r.userErrors)).toEqual([]);
    await page.getByRole('link', { name: 'Purchases' }).click();
    const list = section(page, 'All purchases');
    await list.getByRole('cell', { name: 'RX-2019' }).waitFor();
    expect(await list.getByRole('cell', { name: 'RX-1001' }).count()).toBe(0);
    await list.getByRole('button', { name: 'Next page' }).click();
    const row = list.getByRole('row').filter({ has: page.getByRole('cell', { name: 'RX-1001' }) });
    await expect(row.textContent()).resolves.toContain('200 pts back');
    await expect(list.getByRole('button', { name: 'Next page' }).isDisabled()).resolves.toBe(true);
  });

  it('adds a webhook endpoint, shows its secret once, and logs the test delivery', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No endpoints yet.').waitFor();
    const add = section(page, 'Add an endpoint');
    await add.getByLabel('URL').fill(receiver.url('/pos'));
    await add.getByRole('checkbox', { name: /purchase\.recorded/ }).check();
    await add.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await add.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    const endpoint = section(page, receiver.url('/pos'));
    await expect(endpoint.textContent()).resolves.toContain('purchase.recorded');
    await endpoint.getByRole('button', { name: 'Send test event' }).click();
    await receiver.until((r) => r.some((w) => w.path === '/pos' && JSON.parse(w.body).type === 'webhook.test'));
    const log = endpoint.getByRole('region', { name: 'Delivery log' });
    // The log shows the delivery once the worker has posted it: status, attempts, last HTTP code.
    const row = log.getByRole('row').filter({ hasText: 'webhook.test' });
    await until(async () => {
      await log.getByRole('button', { name: 'Refresh log' }).click();
      return /delivered\s*1\s*200/.test((await row.textContent({ timeout: 2000 }).catch(() => '')) ?? '');
    });
    await screenshot(page, 'partner-webhooks');

    // Dismissed, or after a reload, the secret is gone for good.
    await add.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await section(page, receiver.url('/pos')).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('shows a closed period as a statement: chart, lines, items and a CSV download', async () => {
    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    expect(closeSettlementPeriod.userErrors).toEqual([]);
    await page.getByRole('link', { name: 'Statements' }).click();
    const list = section(page, 'Statements');
    await list.getByRole('cell', { name: 'EUR', exact: true }).waitFor();
    await section(page, 'Net per period').locator('.recharts-bar-rectangle').first().waitFor();

    await list.getByRole('button', { name: /^Lines/ }).click();
    const detail = page.getByRole('region', { name: /^Statement / });
    const issuance = detail.getByRole('row').filter({ hasText: 'Points issued' });
    // 1,000 + 100 + 20 × 20 points issued, 200 returned, at 0.01 EUR: the pharmacy pays 13.00 EUR.
    await expect(issuance.textContent()).resolves.toContain('1,300 pts');
    await expect(issuance.textContent()).resolves.toContain('-€13.00');
    await issuance.getByRole('button', { name: /^Items/ }).click();
    const items = detail.getByRole('region', { name: 'Items of Points issued' });
    await items.getByRole('cell', { name: 'RX-1001' }).first().waitFor();
    expect(await items.getByRole('row').count()).toBe(1 + 23); // header, 22 purchases and the return
    await screenshot(page, 'partner-statements');

    const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('link', { name: /^CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^statement-.*\.csv$/);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        stream.on('error', reject);
      }, reject);
    });
    expect(csv).toMatch(/^record,period_end,currency,kind/);
    expect(csv).toContain('LINE');
    expect(csv).toContain('RX-1001');
  });

  it('explains the miles queue to a partner that is not an airline', async () => {
    await page.getByRole('link', { name: 'Miles' }).click();
    await page.getByText('This queue is for airline partners').waitFor();
  });
});

describe('airline partner', () => {
  it('confirms a pending miles transfer with its reference', async () => {
    const { setMilesRatio } = await t.operator.ok(SetMilesRatioDocument, {
      input: { airlineId: airline.id, direction: 'TO_MILES', points: 2, miles: 1, minimum: 100 },
    });
    expect(setMilesRatio.userErrors).toEqual([]);
    const flyer = `60${String(Date.now() + 1).slice(-8)}`;
    const { enrollMember } = await pharmacy.client.ok(EnrollMemberDocument, {
      input: { cardNumber: flyer },
    });
    expect(enrollMember.userErrors).toEqual([]);
    await pharmacy.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: flyer, amount: { amount: '20.00', currency: 'EUR' }, reference: 'RX-3001', idempotencyKey: newKey() },
    });
    const member = t.anonymous.as(await t.memberToken(flyer));
    const { convertPointsToMiles } = await member.ok(ConvertPointsToMilesDocument, {
      input: { airlineId: airline.id, points: 200, frequentFlyerNumber: 'BS-998877', idempotencyKey: newKey() },
    });
    expect(convertPointsToMiles.userErrors).toEqual([]);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, t.app.url, airline.key);
    await page.getByRole('link', { name: 'Miles' }).click();
    const transfer = page.getByRole('listitem', { name: '100 miles for BS-998877' });
    await transfer.waitFor();
    await screenshot(page, 'partner-miles');
    await transfer.getByLabel('Airline reference (optional)').fill('BS-CREDIT-1');
    await transfer.getByRole('button', { name: 'Confirm' }).dblclick();
    await page.getByText('Confirmed: 200 pts → 100 miles for BS-998877 (BS-CREDIT-1).').waitFor();
    await page.getByText('Nothing waiting for an answer.').waitFor();

    const data = await airline.client.ok(PartnerMilesTransfersDocument, { id: airline.id, first: 10 });
    const transfers = data.node && 'milesTransfers' in data.node ? data.node.milesTransfers.edges.map((e) => e.node) : [];
    expect(transfers.map((x) => x.status)).toEqual(['CONFIRMED']);
    await context.close();
  });
});
