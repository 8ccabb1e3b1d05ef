import type { Browser, Page } from 'playwright-core';
import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../support/fixtures';
import { bundleForBrowser, describeInBrowser, launchChromium } from '../support/browser';
import { eventually } from '../support/wait';
import { importModule, OriginPage } from '../support/origin-page';
import { RunningServer, startNodeHost } from '../support/server';
import { standInTwilsock, standInVoiceSignaling, twilsockUrl, voiceSignalingHost } from '../support/twilio-sockets';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

/** The page's globals: `rtc` the service's module, `sdk` a vendor SDK, `log` what the page recorded. */
type PageGlobals = typeof globalThis & {
  rtc: any; sdk: any; source: any; client: any; stop: () => void; log: Array<[string, unknown?]>;
  /** Requests the page has under way. */
  fetching: number;
};

/** The vendors' npm packages, bundled for the browser as an app's build would bundle them. */
const vendorSdks = {
  '/voice-sdk.js': "export { Device } from '@twilio/voice-sdk';",
  '/conversations.js': "export { Client } from '@twilio/conversations';",
  '/vonage-client-sdk.js': "export { VonageClient, SessionErrorReason } from '@vonage/client-sdk';",
};

/**
 * Twilio tokens minted within one second for one request are identical (jti and iat are whole
 * seconds); a test that needs a new token waits for the server's clock, here the same clock, to
 * pass the second `token` was minted in.
 */
async function afterSecondOf(token: string): Promise<void> {
  const iat = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { iat: number }).iat;
  const wait = (iat + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * The page's clock, installed five minutes behind the server's and paused once the page has
 * loaded: only the test moves it. Behind, not ahead: a page clock that ran ahead of the server
 * would see every new token's `expires_at` as nearly due (as it should, on a real device) and the
 * tests would measure that skew instead of the adapters.
 */
async function installPageClock(page: Page): Promise<void> {
  await page.clock.install({ time: Date.now() - 300_000 });
}
async function pausePageClock(page: Page): Promise<void> {
  await page.clock.pauseAt(Date.now() - 299_000);
}

describeInBrowser('the adapters, with the vendors\' SDKs in a page on another origin', () => {
  let browser: Browser;
  let app: OriginPage;
  let server: RunningServer;
  let page: Page;
  let posts: string[];

  beforeAll(async () => {
    const bundles = Object.fromEntries(await Promise.all(Object.entries(vendorSdks).map(async ([path, source]) => [path, await bundleForBrowser(source)])));
    app = new OriginPage(bundles);
    await app.start();
    [browser, server] = await Promise.all([
      launchChromium(),
      startNodeHost({ ...fullTwilioEnv, ...vonageEnv(), ALLOWED_ORIGINS: app.origin, RATE_LIMIT_IDENTITY: '0' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await app?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    posts = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().startsWith(server.url)) posts.push(new URL(request.url()).pathname);
    });
  });
  afterEach(() => page.close());

  /** The app's page with the service's module as `rtc`, the vendor SDK at `sdkPath` (if any) as `sdk`. */
  async function openApp(sdkPath?: string): Promise<void> {
    await page.goto(`${app.origin}/`);
    expect(await importModule(page, `${server.url}/rtc-token-client.js`, 'rtc')).toBe('imported');
    if (sdkPath !== undefined) expect(await importModule(page, `${app.origin}${sdkPath}`, 'sdk')).toBe('imported');
    await page.evaluate(() => {
      const win = globalThis as PageGlobals;
      const send = win.fetch.bind(win);
      win.log = [];
      win.fetching = 0;
      win.fetch = (...request: Parameters<typeof fetch>) => {
        win.fetching += 1;
        return send(...request).finally(() => { win.fetching -= 1; });
      };
    });
  }
  /**
   * Waits until the page has no request under way. Page time must not jump while one is: its
   * deadline would fire long before any real answer could come, and the test would measure that.
   */
  const settled = () => eventually(async () => expect(await page.evaluate(() => (globalThis as PageGlobals).fetching)).toBe(0));
  const pageLog = () => page.evaluate(() => (globalThis as PageGlobals).log);

  test('Twilio Voice Device (real SDK): tokenWillExpire → updateToken; the next token comes without another event', async () => {
    await installPageClock(page);
    const signaling = await standInVoiceSignaling(page, 'caller');
    await openApp('/voice-sdk.js');
    await page.evaluate(async ([url, chunderw]) => {
      const win = globalThis as PageGlobals;
      // 60 s tokens; the margin (5 s) is under the Device's warning (30 s), so the warning is what asks first.
      win.source = new win.rtc.TokenSource({ url, params: { identity: 'caller', grants: 'voice', ttl: 60 }, refreshMargin: 5 });
      const device = new win.sdk.Device((await win.source.get()).token, { chunderw, tokenRefreshMs: 30_000, logLevel: 'silent' });
      device.on('tokenWillExpire', () => win.log.push(['tokenWillExpire']));
      win.client = device;
      win.stop = win.rtc.supplyVoiceDevice(device, win.source, { onError: (error: Error) => win.log.push(['error', error.message]) });
      await device.register();
    }, [`${server.url}/token`, voiceSignalingHost] as const);
    await pausePageClock(page);
    expect(signaling.listens).toHaveLength(1);
    const [first] = signaling.listens;
    const pageNow = () => page.evaluate(() => Date.now());
    const connectedAt = await pageNow();

    /** Page time passes in 10 s steps, each with signaling's heartbeat, as on a live connection. */
    const passUntil = async (listens: number) => {
      for (let step = 0; step < 12 && signaling.listens.length < listens; step++) {
        await settled();
        await page.clock.fastForward(10_000);
        await signaling.heartbeat();
      }
      await eventually(() => expect(signaling.listens).toHaveLength(listens));
    };

    // The Device arms tokenWillExpire for ttl − 30 s after `connected`; the adapter hands over a new token.
    await afterSecondOf(first);
    await passUntil(2);
    expect(await pageLog()).toEqual([['tokenWillExpire']]);
    // Within 30–40 s, before the source's own staleness (55 s): the SDK's warning is what asked.
    expect(await pageNow() - connectedAt).toBeGreaterThanOrEqual(30_000);
    expect(await pageNow() - connectedAt).toBeLessThanOrEqual(40_000);
    const second = signaling.listens[1];
    expect(second).not.toBe(first);
    const { payload } = await verifyTwilioToken(second, twilioCredentials.API_SECRET);
    expect(payload.grants).toMatchObject({ identity: 'caller', voice: {} });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(await page.evaluate(() => (globalThis as PageGlobals).client.token)).toBe(second);

    // Signaling answered that listen with nothing, so the Device will not warn again: the adapter's own timer supplies the next one.
    await afterSecondOf(second);
    await passUntil(3);
    expect(await pageLog()).toEqual([['tokenWillExpire']]);
    expect(posts).toEqual(['/token', '/token', '/token']);

    // Stopped, it hands over nothing more.
    await page.evaluate(() => (globalThis as PageGlobals).stop());
    await settled();
    for (let step = 0; step < 12; step++) {
      await page.clock.fastForward(10_000);
      await signaling.heartbeat();
    }
    expect(signaling.listens).toHaveLength(3);
    expect(posts).toHaveLength(3);
  });

  test('Twilio Conversations Client (real SDK): tokenAboutToExpire and tokenExpired → updateToken', async () => {
    const twilsock = await standInTwilsock(page);
    await openApp('/conversations.js');
    await page.evaluate(async ([url, uri]) => {
      const win = globalThis as PageGlobals;
      win.source = new win.rtc.TokenSource({ url, params: { identity: 'chatter', grants: 'chat' } });
      const client = new win.sdk.Client((await win.source.get()).token, { twilsock: { uri }, logLevel: 'silent' });
      for (const event of ['tokenAboutToExpire', 'tokenExpired']) client.on(event, () => win.log.push([event]));
      // Recorded on its way to the real method, which waits for the Client to initialise (it never does offline).
      const updateToken = client.updateToken.bind(client);
      client.updateToken = (token: string) => {
        win.log.push(['updateToken', token]);
        return updateToken(token);
      };
      win.client = client;
      win.rtc.supplyConversationsClient(client, win.source);
    }, [`${server.url}/token`, twilsockUrl] as const);
    await eventually(() => expect(twilsock.methods[0]).toBe('init'));
    const first = await page.evaluate(() => (globalThis as PageGlobals).source.get().then((answer: { token: string }) => answer.token));

    await afterSecondOf(first);
    twilsock.tokenAboutToExpire();
    await eventually(async () => expect(await pageLog()).toHaveLength(2));
    const [event, [, second]] = await pageLog();
    expect(event).toEqual(['tokenAboutToExpire']);
    expect((await verifyTwilioToken(second as string, twilioCredentials.API_SECRET)).payload.grants).toMatchObject({ identity: 'chatter', chat: {} });
    expect(second).not.toBe(first);

    await afterSecondOf(second as string);
    twilsock.tokenExpired();
    await eventually(async () => expect(await pageLog()).toHaveLength(4));
    const log = await pageLog();
    expect(log[2]).toEqual(['tokenExpired']);
    expect(log[3][0]).toBe('updateToken');
    expect(log[3][1]).not.toBe(second);
    expect(posts).toEqual(['/token', '/token', '/token']);
  });

  test('Vonage Client SDK (real package): the interface the adapter relies on', async () => {
    await openApp('/vonage-client-sdk.js');
    const seen = await page.evaluate(() => {
      const { VonageClient, SessionErrorReason } = (globalThis as PageGlobals).sdk;
      const client = new VonageClient();
      const listening = client.on('sessionError', () => undefined);
      return {
        methods: ['createSession', 'refreshSession'].map((name) => typeof client[name]),
        listening: typeof listening,
        off: client.off('sessionError', listening),
        expired: SessionErrorReason.ExpiredToken,
      };
    });
    expect(seen).toEqual({ methods: ['function', 'function'], listening: 'symbol', off: true, expired: 'EXPIRED_TOKEN' });
  });

  test('Vonage Client SDK (its documented interface, faked): refreshSession before the token is stale; EXPIRED_TOKEN starts a new session', async () => {
    await installPageClock(page);
    await openApp();
    await page.evaluate(async (url) => {
      const win = globalThis as PageGlobals;
      const listeners = new Map<symbol, (reason: string) => void>();
      // createSession(token) → session id, refreshSession(token), on('sessionError') → symbol, off(event, symbol) → boolean.
      win.client = {
        sessions: 0,
        async createSession(token: string) { win.log.push(['createSession', token]); return `session-${++this.sessions}`; },
        async refreshSession(token: string) { win.log.push(['refreshSession', token]); },
        on(event: string, callback: (reason: string) => void) { const id = Symbol(event); listeners.set(id, callback); return id; },
        off(_event: string, id: symbol) { return listeners.delete(id); },
        sessionError(reason: string) { for (const callback of listeners.values()) callback(reason); },
        get listening() { return listeners.size; },
      };
      win.source = new win.rtc.TokenSource({ url, params: { identity: 'vonage-user' }, refreshMargin: 60 });
      const session = await win.rtc.startVonageSession(win.client, win.source);
      win.stop = () => session.stop();
      (win as any).session = session;
    }, `${server.url}/vonage-token`);
    await pausePageClock(page);
    const tokens = async () => (await pageLog()).map(([call, token]) => [call, token]);
    const { publicKey } = vonageKeys();
    const [[, first]] = await tokens();
    expect((await verifyVonageToken(first as string, publicKey)).payload.sub).toBe('vonage-user');

    // Vonage tokens live 15 minutes by default: stale a minute before, 840 s after arriving.
    await page.clock.fastForward(830_000);
    expect(await tokens()).toHaveLength(1);
    await page.clock.fastForward(20_000);
    await eventually(async () => expect(await tokens()).toHaveLength(2));
    const [, [call, second]] = await tokens();
    expect(call).toBe('refreshSession');
    expect((await verifyVonageToken(second as string, publicKey)).payload.sub).toBe('vonage-user');

    await page.evaluate(() => (globalThis as any).client.sessionError('TRANSPORT_CLOSED'));
    await page.evaluate(() => (globalThis as any).client.sessionError('EXPIRED_TOKEN'));
    await eventually(async () => expect(await tokens()).toHaveLength(3));
    const [, , [restart, third]] = await tokens();
    expect(restart).toBe('createSession');
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await page.evaluate(() => (globalThis as any).session.sessionId)).toBe('session-2');
    expect(posts).toEqual(['/vonage-token', '/vonage-token', '/vonage-token']);

    await page.evaluate(() => (globalThis as PageGlobals).stop());
    expect(await page.evaluate(() => (globalThis as any).client.listening)).toBe(0);
  });

  test('Twilio Video and Vonage Video (documented interfaces, faked): a token fetched for each connect', async () => {
    await openApp();
    const outcome = await page.evaluate(async ([twilioUrl, vonageUrl]) => {
      const { rtc } = globalThis as PageGlobals;
      const twilio = new rtc.TokenSource({ url: twilioUrl, params: { identity: 'viewer', grants: 'video' } });
      // Twilio Video's connect(token, options) → Promise<Room>.
      const connect = async (token: string, options: { name: string }) => ({ token, name: options.name });
      const rooms = [await rtc.connectTwilioVideo(connect, twilio, { name: 'standup' }), await rtc.connectTwilioVideo(connect, twilio, { name: 'standup' })];
      // Vonage Video's session.connect(token, completionHandler(error?)).
      const vonage = new rtc.TokenSource({ url: vonageUrl, params: { identity: 'viewer', kind: 'client' } });
      const connected: string[] = [];
      await rtc.connectVonageVideo({ connect: (token: string, done: (error?: Error) => void) => { connected.push(token); done(); } }, vonage);
      const refused = await rtc.connectVonageVideo({ connect: (_token: string, done: (error?: Error) => void) => done(new Error('1004 Authentication error')) }, vonage)
        .then(() => 'connected', (error: Error) => error.message);
      return { rooms: rooms.map((room) => room.name), twilioTokens: rooms.map((room) => room.token), connected: connected.length, refused };
    }, [`${server.url}/token`, `${server.url}/vonage-token`] as const);
    expect(outcome).toMatchObject({ rooms: ['standup', 'standup'], connected: 1, refused: '1004 Authentication error' });
    for (const token of outcome.twilioTokens) expect((await verifyTwilioToken(token, twilioCredentials.API_SECRET)).payload.grants).toEqual({ identity: 'viewer', video: {} });
    expect(posts).toEqual(['/token', '/token', '/vonage-token', '/vonage-token']);
  });
});
