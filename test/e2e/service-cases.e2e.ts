import type { Browser } from 'playwright-core';
import { enrolMember, onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { MemberStatusDocument } from '../generated/graphql';
import { launchBrowser, PHONE, screenshot, signIn } from './support/browser';

/** A complaint at the grocer's till: opened, resolved with goodwill, then rated by the member on a phone. */
let t: TestApp;
let browser: Browser;
let grocer: TestPartner;
let card: string;

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  grocer = await onboardPartner(t, { name: 'Corner Grocer', category: 'grocery' });
  card = await enrolMember(t);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('service cases: partner → member', () => {
  it('the partner opens a case and resolves it with goodwill; the member sees it and rates it once', async () => {
    const partnerContext = await browser.newContext();
    const till = await partnerContext.newPage();
    await signIn(till, t.app.url, grocer.key);
    await till.getByRole('link', { name: 'Service cases' }).click();
    await till.getByRole('heading', { level: 1, name: 'Service cases' }).waitFor();
    await till.getByLabel('Card number').fill(card);
    await till.getByLabel('Subject').fill('Charged twice for milk');
    await till.getByLabel('Category').selectOption('BILLING');
    await till.getByRole('button', { name: 'Open case' }).dblclick();
    await till.getByText('Case opened').waitFor();
    const row = till.getByRole('row', { name: /Charged twice for milk/ });
    await row.getByText('OPEN').waitFor();
    expect(await till.getByRole('row', { name: /Charged twice for milk/ }).count()).toBe(1);

    await row.getByRole('button', { name: 'Resolve Charged twice for milk' }).click();
    await till.getByLabel('Resolution').fill('Refunded the second charge; sorry!');
    await till.getByLabel('Goodwill points').fill('200');
    await till.getByRole('button', { name: 'Resolve', exact: true }).dblclick();
    await till.getByText('Resolved; 200 pts goodwill credited.').waitFor();
    await row.getByText('RESOLVED').waitFor();
    await screenshot(till, 'partner-service-cases');
    await partnerContext.close();
    // Two clicks, one credit.
    expect((await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!.balance).toBe(200);

    const phoneContext = await browser.newContext(PHONE);
    const phone = await phoneContext.newPage();
    await signIn(phone, t.app.url, await t.memberToken(card));
    await phone.getByRole('navigation', { name: 'Member pages' }).getByRole('link', { name: 'My cases' }).click();
    await phone.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    const cases = phone.getByRole('list', { name: 'Service cases' });
    await cases.getByText('Refunded the second charge; sorry!').waitFor();
    await cases.getByText('200 pts of goodwill added to your card.').waitFor();
    await phone
      .getByRole('group', { name: 'Rate how “Charged twice for milk” was handled' })
      .getByRole('button', { name: '4 out of 5' })
      .click();
    await phone.getByText('You rated this 4 out of 5. Thank you!').waitFor();
    await screenshot(phone, 'member-cases');
    await phoneContext.close();
  });
});
