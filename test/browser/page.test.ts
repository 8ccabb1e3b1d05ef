import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fullTwilioEnv, twilioCredentials, vonageEnv } from '../support/fixtures';
import { describeInBrowser, launchChromium } from '../support/browser';
import { hosts, root, RunningServer } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

const artifacts = join(root, 'test-artifacts');

describeInBrowser.each(hosts)('the page, served at / by %s', (_host, start) => {
  let browser: Browser;
  let server: RunningServer;
  let page: Page;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), start({ ...fullTwilioEnv, ...vonageEnv() })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(() => page.close());

  test('fetches a token and shows its decoded identity and grants', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('alice');
    await page.getByLabel('Grants').fill('video,chat');
    await page.getByRole('button', { name: 'Get token' }).click();

    await page.locator('#result').waitFor();
    expect(await page.locator('#summary-identity').textContent()).toBe('alice');
    expect(await page.locator('#summary-access').textContent()).toBe('video, chat');
    expect(await page.locator('#summary-issuer').textContent()).toBe(twilioCredentials.API_KEY);
    const token = await page.getByRole('textbox', { name: 'Signed token' }).inputValue();
    const { payload } = await verifyTwilioToken(token, twilioCredentials.API_SECRET);
    expect(JSON.parse((await page.locator('#decoded-payload').textContent())!)).toEqual(payload);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `page-with-token-${_host.replace(/\W+/g, '-')}.png`), fullPage: true });
  });

  test('shows a Vonage client token\'s ACL paths', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Endpoint').selectOption('/vonage-token');
    await page.getByLabel('Identity').fill('bob');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.locator('#result').waitFor();
    expect(await page.locator('#summary-identity').textContent()).toBe('bob');
    expect(await page.locator('#summary-access-label').textContent()).toBe('ACL paths');
    expect(await page.locator('#summary-access').textContent()).toContain('/*/conversations/**');
  });

  test('renders the problem\'s title and detail for a bad identity', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('alice smith');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await page.locator('#problem-title').textContent()).toBe('Identity is not valid');
    expect(await page.locator('#problem-detail').textContent()).toBe('identity must not contain whitespace (U+0020 at character 6).');
    expect(await page.locator('#result').isHidden()).toBe(true);
  });

  test('counts down and refreshes before a short-lived token expires', async () => {
    await page.clock.install();
    const tokenRequests: string[] = [];
    page.on('request', (request) => { if (request.url().endsWith('/token')) tokenRequests.push(request.method()); });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('carol');
    await page.getByLabel('TTL (seconds)').fill('60');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.locator('#result').waitFor();

    const before = await page.locator('#countdown').textContent();
    await page.clock.runFor(5000);
    const after = await page.locator('#countdown').textContent();
    expect(before).toMatch(/^(1m 00s|59s|58s)$/);
    expect(parseInt(after!, 10)).toBeLessThanOrEqual(parseInt(before!.replace('1m 00s', '60'), 10) - 4);
    expect(await page.locator('#refresh-count').textContent()).toBe('0');

    // A 60 s token refreshes 15 s before expiry (a quarter of its life), well before it lapses.
    await page.clock.runFor(41_000);
    await page.waitForFunction("document.getElementById('refresh-count').textContent === '1'");
    await page.waitForFunction("document.getElementById('status').textContent === 'Token received.'");
    expect(tokenRequests).toEqual(['POST', 'POST']);
  });

  test('is usable by keyboard alone', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').focus();
    await page.keyboard.type('dave');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Get token');
    await page.keyboard.press('Enter');
    await page.locator('#result').waitFor();
    expect(await page.locator('#summary-identity').textContent()).toBe('dave');
  });

  test('fits a phone-width screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('erin');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.locator('#result').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  });
});
