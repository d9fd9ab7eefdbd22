import type { Browser, Locator, Page } from 'playwright-core';
import { onboardPartner, TestPartner } from '../support/coalition-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { launchBrowser, PHONE, screenshot, signIn } from './support/browser';

/**
 * Profile, consent and erasure across the three consoles: a member joins from its phone and
 * consents, the till greets it by first name, the operator erases it, the till no longer greets.
 */
let t: TestApp;
let browser: Browser;
let grocer: TestPartner;
const card = `5${String(Date.now()).slice(-9)}`;

beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
  grocer = await onboardPartner(t, { name: 'Corner Grocer', category: 'grocery' });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const section = (page: Page, title: string): Locator => page.getByRole('region', { name: title, exact: true });

async function tillLookUp(page: Page) {
  await section(page, 'Card lookup').getByLabel('Card number').fill(card);
  await section(page, 'Card lookup').getByRole('button', { name: 'Look up' }).click();
  await page.getByRole('status', { name: `Card ${card}` }).waitFor();
}

describe('privacy across the consoles', () => {
  let till: Page;

  it('lets a member join from the phone, consent and see how it consented', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await signIn(page, t.app.url, await t.memberToken(card));
    const join = section(page, 'Join');
    await join.getByLabel('First name').fill('Mira');
    await join.getByLabel('Email').fill('mira@example.org');
    await join.getByLabel('Language').fill('de-AT');
    await join.getByRole('button', { name: 'Join' }).click();
    await page.getByLabel('Points balance', { exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Member pages' }).getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
    expect(await section(page, 'Your details').getByLabel('First name').inputValue()).toBe('Mira');
    const consent = page.getByRole('checkbox', { name: /greet me by name/ });
    expect(await consent.isChecked()).toBe(false);
    // The box follows the server: it turns on once the consent is recorded.
    await consent.click();
    await page
      .getByLabel('Consent record')
      .getByText(/Given in the app on/)
      .waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'member-profile');
    await context.close();
  });

  it('greets the member by first name at the till', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    till = await context.newPage();
    await signIn(till, t.app.url, grocer.key);
    await tillLookUp(till);
    await till.getByText('Hello, Mira').waitFor();
    // The till never sees the rest of the profile.
    expect(await till.getByText('mira@example.org').count()).toBe(0);
  });

  it('lets the operator erase the member, after which the till no longer greets', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, t.app.url, t.config.operatorKey);
    await page.goto(`${t.app.url}/operator/members/${card}`);
    await page.getByRole('heading', { level: 1, name: `Card ${card}` }).waitFor();
    await page.getByText('Mira', { exact: true }).waitFor();
    const privacy = section(page, 'Privacy');
    await privacy.getByLabel('Reason').fill('GDPR request #7');
    page.once('dialog', (dialog) => void dialog.accept());
    await privacy.getByRole('button', { name: 'Erase member' }).click();
    await privacy.getByLabel('Erasure').waitFor();
    await page.getByText('No name given').waitFor();
    await screenshot(page, 'operator-member-erased');
    await context.close();

    await tillLookUp(till);
    await till.getByText('This member’s data was erased').waitFor();
    expect(await till.getByText('Hello, Mira').count()).toBe(0);
  });
});
