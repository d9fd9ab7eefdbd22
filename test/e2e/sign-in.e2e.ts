import type { Browser } from 'playwright-core';
import { enrolMember, onboardPartner } from '../support/coalition-fixtures';
import { startTestApp, TEST_OPERATOR_KEY, TestApp } from '../support/test-app';
import { launchBrowser, PHONE, signIn } from './support/browser';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  t = await startTestApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('sign-in', () => {
  it('signs in as the operator, a partner and a member, each with the role the server gives, and signs out', async () => {
    const partner = await onboardPartner(t, { name: 'Sunrise Pharmacy' });
    const card = await enrolMember(t);
    const roles: [string, string, string, Record<string, unknown>][] = [
      [TEST_OPERATOR_KEY, 'Operator', 'Coalition operator', {}],
      [partner.key, 'Partner', 'Sunrise Pharmacy', {}],
      [await t.memberToken(card), 'Member', card, PHONE],
    ];
    for (const [credential, role, who, device] of roles) {
      const context = await browser.newContext(device);
      const page = await context.newPage();
      await signIn(page, t.app.url, credential);
      await expect(page.locator('.topbar .who').textContent()).resolves.toBe(`${role} ${who}`);
      // The credential is kept for the tab only, and survives a reload.
      expect(await page.evaluate("sessionStorage.getItem('coalition.credential')")).toBe(credential);
      await page.reload();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key or token').waitFor();
      expect(await page.evaluate("sessionStorage.getItem('coalition.credential')")).toBeNull();
      await context.close();
    }
  });

  it('shows a visible error for a wrong credential and stays on the form', async () => {
    const page = await browser.newPage();
    await page.goto(t.app.url);
    await page.getByLabel('API key or token').fill('cpk_not-a-real-key-0000000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('was not accepted');
    expect(await page.evaluate("sessionStorage.getItem('coalition.credential')")).toBeNull();
    await page.close();
  });
});
