import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chatServiceSid, fullTwilioEnv, twilioCredentials, vonageEnv } from '../support/fixtures';
import { describeInBrowser, launchChromium } from '../support/browser';
import { demoTwilioEnv } from '../../src/core/config/demo';
import { hosts, root, RunningServer, startNodeHost } from '../support/server';
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

  test('says what is wrong with an identity in the form\'s words, with the service\'s reason', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('alice smith');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await page.locator('#problem-title').textContent()).toBe('This identity cannot be used');
    expect(await page.locator('#problem-detail').textContent()).toBe('identity must not contain whitespace (U+0020 at character 6).');
    expect(await page.locator('#problem-code').textContent()).toBe('identity_invalid');
    expect(await page.getByLabel('Identity').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#result').isHidden()).toBe(true);
  });

  test('asks for an identity left empty in the form\'s words, not the API\'s query-string advice', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#problem-title').textContent()).toBe('Enter an identity');
    expect(await page.locator('#problem-detail').textContent())
      .toBe('Type the user\'s name under Identity, or enter a credential that carries one.');
    expect(await page.getByRole('alert').textContent()).not.toContain('?identity=');
    expect(await page.evaluate('document.activeElement.id')).toBe('identity');
    expect(await page.getByLabel('Identity').getAttribute('aria-invalid')).toBe('true');
  });

  test('counts down and, through TokenSource, refreshes a short-lived token before it expires', async () => {
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

    // A 60 s token is stale halfway through its life (a 60 s margin would leave it no fresh time at all).
    await page.clock.runFor(26_000);
    await page.waitForFunction("document.getElementById('refresh-count').textContent === '1'");
    await page.waitForFunction("document.getElementById('status').textContent === 'Token received.'");
    expect(tokenRequests).toEqual(['POST', 'POST']);
  });

  test('wraps long claims: every SID whole and in view on a phone', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('frank');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.locator('#result').waitFor();
    const payload = page.locator('#decoded-payload');
    expect(await payload.textContent()).toContain(`"service_sid": "${chatServiceSid}"`);
    // Nothing scrolled out of the box: its content is as wide as the box itself.
    expect(await payload.evaluate((box) => box.scrollWidth - box.clientWidth)).toBe(0);
  });

  test('clears the old token when the endpoint changes, and stops refreshing it', async () => {
    await page.clock.install();
    const tokenRequests: string[] = [];
    page.on('request', (request) => { if (request.url().endsWith('/token')) tokenRequests.push(request.url()); });
    await page.goto(`${server.url}/`);
    await page.getByLabel('Identity').fill('grace');
    await page.getByLabel('TTL (seconds)').fill('60');
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.locator('#result').waitFor();

    await page.getByLabel('Endpoint').selectOption('/vonage-token');
    expect(await page.locator('#result').isHidden()).toBe(true);
    expect(await page.locator('#token').inputValue()).toBe('');
    expect(await page.locator('#decoded-payload').textContent()).toBe('');
    expect(await page.locator('#status').textContent()).toBe('');
    await page.clock.runFor(61_000);
    expect(tokenRequests).toEqual([`${server.url}/token`]);
  });

  test('says that callers need no credential here, and nothing about demo credentials, which it does not run on', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForFunction("document.getElementById('deployment-auth').textContent !== ''");
    expect(await page.locator('#deployment-auth').textContent())
      .toBe('No caller authentication (AUTH_MODE=none): anyone who reaches this service gets tokens for any identity.');
    expect(await page.locator('#deployment-demo').textContent()).toBe('');
    expect(await page.locator('#deployment-demo').isHidden()).toBe(true);
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

describeInBrowser('the page, on a deployment that asks callers for a passcode', () => {
  let browser: Browser;
  let server: RunningServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchChromium(), startNodeHost({ ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: 'page-passcode' }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('says a credential is needed, marks the endpoint not set up, and points at Credential when it is missing', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.waitForFunction("document.getElementById('deployment-auth').textContent !== ''");
      expect(await page.locator('#deployment-auth').textContent())
        .toBe('Caller authentication: a passcode (AUTH_MODE=passcode). Enter it under Credential.');
      expect(await page.getByLabel('Endpoint').locator('option').allTextContents())
        .toEqual(['/token — Twilio Access Token', '/vonage-token — Vonage JWT (not set up here)']);

      await page.getByLabel('Identity').fill('heidi');
      await page.getByRole('button', { name: 'Get token' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.locator('#problem-title').textContent()).toBe('This service asks for a credential');
      expect(await page.evaluate('document.activeElement.id')).toBe('credential');

      await page.getByLabel('Credential').fill('page-passcode');
      await page.getByRole('button', { name: 'Get token' }).click();
      await page.waitForFunction("document.getElementById('status').textContent === 'Token received.'");
      expect(await page.locator('#problem').isHidden()).toBe(true);
      expect(await page.locator('#summary-identity').textContent()).toBe('heidi');
    } finally {
      await page.close();
    }
  });
});

describeInBrowser('the page, on demo credentials', () => {
  let browser: Browser;
  let server: RunningServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startNodeHost(demoTwilioEnv())]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('says the tokens it shows are signed with demo credentials Twilio rejects', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/`);
      await page.waitForFunction("document.getElementById('deployment-demo').textContent !== ''");
      expect(await page.locator('#deployment-demo').textContent()).toBe('Demo credentials for Twilio: tokens show what the service mints, '
        + 'but Twilio rejects every one of them. Put real credentials in .env (see .env.example) and restart.');
      expect(await page.locator('#deployment-demo').isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });
});
