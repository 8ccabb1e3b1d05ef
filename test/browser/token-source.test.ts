import type { Browser, Page } from 'playwright-core';
import { fullTwilioEnv, twilioCredentials } from '../support/fixtures';
import { describeInBrowser, launchChromium } from '../support/browser';
import { importModule, OriginPage } from '../support/origin-page';
import { RunningServer, startNodeHost, startTwilioRun } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

/** What a page sees of a TokenSourceError, and whether it is the very object an earlier call rejected with. */
interface SeenError {
  name: string;
  status: number;
  code: string;
  retryAfter?: number;
  same?: boolean;
}

/** In the page: `window.rtc` is the module, `window.source` the TokenSource under test. */
type PageWindow = typeof globalThis & { rtc: any; source: any; first?: unknown; answers: unknown[] };

describeInBrowser('TokenSource, imported by a page on another origin from the Node host', () => {
  let browser: Browser;
  let app: OriginPage;
  let server: RunningServer;
  let page: Page;
  /** POSTs to /token the page made in this test, as Chromium reports them. */
  let posts: number;

  beforeAll(async () => {
    app = new OriginPage();
    await app.start();
    [browser, server] = await Promise.all([
      launchChromium(),
      // Two tokens per identity per minute: the third request is a 429.
      startNodeHost({ ...fullTwilioEnv, ALLOWED_ORIGINS: app.origin, RATE_LIMIT_IDENTITY: '2' }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.stop();
  });

  /** The app's page with the module imported and the clock paused, so only the test moves time. */
  beforeEach(async () => {
    page = await browser.newPage();
    posts = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === `${server.url}/token`) posts += 1;
    });
    await page.clock.install();
    await page.goto(`${app.origin}/`);
    expect(await importModule(page, `${server.url}/rtc-token-client.js`, 'rtc')).toBe('imported');
    await page.clock.pauseAt(Date.now() + 1000);
  });
  afterEach(() => page.close());

  /** A TokenSource in the page for `identity`, with `options`; answers reaching onToken are collected. */
  async function newSource(identity: string, options: Record<string, unknown> = {}): Promise<void> {
    await page.evaluate(([url, identity, options]) => {
      const win = globalThis as PageWindow;
      win.source = new win.rtc.TokenSource({ url, params: { identity, grants: 'video' }, ...options });
      win.answers = [];
      win.source.onToken((answer: unknown) => win.answers.push(answer));
    }, [`${server.url}/token`, identity, options] as const);
  }
  const get = () => page.evaluate(() => (globalThis as PageWindow).source.get()) as Promise<{ token: string; identity: string }>;
  const tokensSeen = () => page.evaluate(() => (globalThis as PageWindow).answers.length);

  test('ten concurrent get() calls make one request and share its answer', async () => {
    await newSource('concurrent');
    const tokens = await page.evaluate(async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => (globalThis as PageWindow).source.get()));
      return answers.map((answer: { token: string }) => answer.token);
    });
    expect(posts).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const { payload } = await verifyTwilioToken(tokens[0], twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'concurrent', video: {} });
    expect(await tokensSeen()).toBe(1);
  });

  test('a cached answer costs no request; a stale one is fetched again', async () => {
    // A 60 s token with a 10 s margin is stale 50 s after it arrived (49–51 s: expires_at has whole seconds).
    await newSource('cached', { params: { identity: 'cached', grants: 'video', ttl: 60 }, refreshMargin: 10 });
    const first = await get();
    expect(first.identity).toBe('cached');
    await page.clock.fastForward(40_000);
    expect((await get()).token).toBe(first.token);
    expect(posts).toBe(1);

    // Like a laptop that slept: no timer ran, the answer is judged stale when it is asked for.
    await page.clock.fastForward(15_000);
    await get();
    expect(posts).toBe(2);
    expect(await tokensSeen()).toBe(2);
  });

  test('a 429 rejects with status, code and retryAfter; nothing is requested again until retryAfter has passed', async () => {
    // Two tokens for this identity use up its limit; a second source for it then meets the 429.
    await newSource('limited');
    await get();
    await page.evaluate(() => (globalThis as PageWindow).source.refresh());
    expect(posts).toBe(2);
    const retryAfterSent = page.waitForResponse((response) => response.status() === 429).then((response) => Number(response.headers()['retry-after']));
    await newSource('limited');
    const refused = await page.evaluate(() => (globalThis as PageWindow).source.get().catch((error: any) => {
      (globalThis as PageWindow).first = error;
      return { name: error.name, status: error.status, code: error.code, retryAfter: error.retryAfter };
    })) as SeenError;
    const retryAfter = await retryAfterSent;
    expect(retryAfter).toBeGreaterThan(0);
    expect(refused).toEqual({ name: 'TokenSourceError', status: 429, code: 'rate_limited', retryAfter });
    expect(posts).toBe(3);

    const again = () => page.evaluate(() => {
      const win = globalThis as PageWindow;
      const seen = (error: any) => ({ name: error.name, status: error.status, code: error.code, retryAfter: error.retryAfter, same: error === win.first });
      return Promise.all([win.source.get().catch(seen), win.source.refresh().catch(seen)]);
    }) as Promise<SeenError[]>;
    expect(await again()).toEqual([{ ...refused, same: true }, { ...refused, same: true }]);
    await page.clock.fastForward((retryAfter - 1) * 1000);
    expect(await again()).toEqual([{ ...refused, same: true }, { ...refused, same: true }]);
    expect(posts).toBe(3);

    await page.clock.fastForward(1000);
    await page.evaluate(() => (globalThis as PageWindow).source.get().catch(() => undefined));
    expect(posts).toBe(4);
  });

  test('the page reads Retry-After, RateLimit and RateLimit-Policy on a cross-origin 429', async () => {
    const headers = await page.evaluate(async (url) => {
      const ask = () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity: 'headers' }) });
      await ask();
      await ask();
      const refused = await ask();
      return [refused.status, ...['Retry-After', 'RateLimit', 'RateLimit-Policy'].map((name) => refused.headers.get(name))];
    }, `${server.url}/token`);
    expect(headers).toEqual([429, expect.stringMatching(/^\d+$/), expect.stringMatching(/^"identity";r=0;t=\d+$/), '"identity";q=2;w=60']);
  });

  test('a page on an origin ALLOWED_ORIGINS does not list cannot import the module', async () => {
    const unlisted = await browser.newPage();
    try {
      await unlisted.goto(`http://localhost:${app.port}/`);
      const outcome = await importModule(unlisted, `${server.url}/rtc-token-client.js`, 'rtc');
      expect(outcome).toMatch(/^TypeError: Failed to fetch dynamically imported module/);
    } finally {
      await unlisted.close();
    }
  });
});

describeInBrowser('rtc-token-client.js under twilio-run', () => {
  let browser: Browser;
  let app: OriginPage;
  let server: RunningServer;

  beforeAll(async () => {
    app = new OriginPage();
    await app.start();
    [browser, server] = await Promise.all([launchChromium(), startTwilioRun({ ...fullTwilioEnv, ALLOWED_ORIGINS: app.origin })]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.stop();
  });

  test('the service\'s own pages import it and get a token', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/`);
      expect(await importModule(page, `${server.url}/rtc-token-client.js`, 'rtc')).toBe('imported');
      const identity = await page.evaluate(async (url) => {
        const { TokenSource } = (globalThis as PageWindow).rtc;
        return (await new TokenSource({ url, params: { identity: 'same-origin' } }).get()).identity;
      }, `${server.url}/token`);
      expect(identity).toBe('same-origin');
    } finally {
      await page.close();
    }
  });

  test('twilio-run serves assets without CORS headers, so another origin cannot import it from there', async () => {
    const response = await fetch(`${server.url}/rtc-token-client.js`, { headers: { origin: app.origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const page = await browser.newPage();
    try {
      await page.goto(`${app.origin}/`);
      const outcome = await importModule(page, `${server.url}/rtc-token-client.js`, 'rtc');
      expect(outcome).toMatch(/^TypeError: Failed to fetch dynamically imported module/);
    } finally {
      await page.close();
    }
  });
});
