import type { Browser, Page } from 'playwright-core';
import { fullTwilioEnv } from '../support/fixtures';
import { describeInBrowser, launchChromium } from '../support/browser';
import { fetchFromPage, FetchOutcome, OriginPage } from '../support/origin-page';
import { hosts, RunningServer } from '../support/server';

const passcode = 'cross-origin-passcode';

describeInBrowser.each(hosts)('a page on another origin calling the service on %s', (_host, start) => {
  let browser: Browser;
  let appOrigin: OriginPage;
  let server: RunningServer;

  beforeAll(async () => {
    appOrigin = new OriginPage();
    await appOrigin.start();
    [browser, server] = await Promise.all([
      launchChromium(),
      start({ ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, ALLOWED_ORIGINS: `http://127.0.0.1:${appOrigin.port}` }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await appOrigin?.stop();
  });

  async function fetchFrom(origin: string, url: string, init: Record<string, unknown>): Promise<FetchOutcome> {
    const page: Page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(`(${fetchFromPage})(${JSON.stringify([url, init])})`) as FetchOutcome;
    } finally {
      await page.close();
    }
  }

  const listed = () => `http://127.0.0.1:${appOrigin.port}`;
  const unlisted = () => `http://localhost:${appOrigin.port}`;
  // A CORS-safelisted content type: the browser sends it without a preflight, as it does a GET.
  const simplePost = () => [`${server.url}/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `identity=alice&passcode=${passcode}`,
  }] as const;
  const preflightedPost = () => [`${server.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${passcode}` },
    body: JSON.stringify({ identity: 'alice', grants: 'video' }),
  }] as const;

  test('a listed origin gets a token with a simple form POST', async () => {
    const outcome = await fetchFrom(listed(), ...simplePost());
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { identity: 'alice' } });
  });

  test('a listed origin gets a token with a preflighted POST (JSON body, Authorization header)', async () => {
    const outcome = await fetchFrom(listed(), ...preflightedPost());
    expect(outcome).toMatchObject({ ok: true, status: 200, body: { identity: 'alice', grants: ['video'] } });
  });

  test('an unlisted origin is blocked by the browser for a simple form POST', async () => {
    const outcome = await fetchFrom(unlisted(), ...simplePost());
    expect(outcome).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
  });

  test('an unlisted origin is blocked by the browser for a preflighted POST', async () => {
    const outcome = await fetchFrom(unlisted(), ...preflightedPost());
    expect(outcome).toEqual({ ok: false, error: 'TypeError: Failed to fetch' });
  });

  test('a listed origin can read problems too', async () => {
    const outcome = await fetchFrom(listed(), `${server.url}/token?identity=alice`, {});
    expect(outcome).toMatchObject({ ok: true, status: 401, body: { code: 'auth_required' } });
  });
});
