import { answer } from '../support/answer';
import { fullTwilioEnv, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { startRedis } from '../support/redis';
import { linesWith, RunningServer, startNodeHost, waitUntil } from '../support/server';
import { notFound, startTwilioStandIn, TwilioStandIn } from '../support/twilio-stand-in';
import { startVonageStandin, VonageStandin } from '../support/vonage-standin';

type Redis = Awaited<ReturnType<typeof startRedis>>;

describe('limits hold across replicas sharing one Redis', () => {
  let redis: Redis;
  let hosts: RunningServer[];

  beforeAll(async () => {
    redis = await startRedis();
    const env = { ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT_IDENTITY: '5', RATE_LIMIT_IP: '0' };
    hosts = await Promise.all([startNodeHost(env), startNodeHost(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all((hosts ?? []).map((host) => host.stop()));
    await redis?.stop();
  });

  test('a limit of 5 per identity: 5 answers spread over both hosts, then 429 on either', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await answer(`${hosts[i % 2].url}/token?identity=shared-alice`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers[4].headers.get('ratelimit')).toMatch(/^"identity";r=0;t=\d+$/);
    expect(answers[5]).toMatchObject({ code: 'rate_limited', token: undefined });
    expect(Number(answers[5].headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await answer(`${hosts[1].url}/token?identity=shared-bob`)).status).toBe(200);
  });

  test('Redis stopped: 503 state_unavailable within a second while health answers; restarted: tokens again, no host restart', async () => {
    await redis.stop();
    try {
      for (const host of hosts) {
        const started = Date.now();
        expect(await answer(`${host.url}/token?identity=outage`)).toMatchObject({ status: 503, code: 'state_unavailable' });
        expect(Date.now() - started).toBeLessThan(1500);
        expect((await fetch(`${host.url}/_/health`)).status).toBe(200);
        expect(await answer(`${host.url}/_/ready`)).toMatchObject({ status: 503, code: 'state_unavailable' });
      }
    } finally {
      await redis.restart();
    }
    for (const host of hosts) {
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await fetch(`${host.url}/token?identity=recovered`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      expect((await fetch(`${host.url}/_/ready`)).status).toBe(200);
    }
  }, 30_000);
});

describe('client addresses and failed authentications', () => {
  const passcode = 'correct-horse-battery';
  let direct: RunningServer;
  let proxied: RunningServer;

  beforeAll(async () => {
    const base = { ...fullTwilioEnv, RATE_LIMIT_IP: '3', RATE_LIMIT_IDENTITY: '0' };
    [direct, proxied] = await Promise.all([
      startNodeHost(base),
      startNodeHost({ ...base, RATE_LIMIT_IP: '0', AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, RATE_LIMIT_AUTH_FAILURES: '3', TRUST_PROXY: '1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([direct?.stop(), proxied?.stop()]);
  });

  test('without TRUST_PROXY a spoofed X-Forwarded-For is ignored: every request counts against the socket address', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await fetch(`${direct.url}/token?identity=alice`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('with TRUST_PROXY 0, the first request that carries X-Forwarded-For logs one warning naming TRUST_PROXY, once per process', async () => {
    const warnings = (server: RunningServer) => server.output().split('\n').filter((line) => line.includes('"event":"trust_proxy_unset"'));
    for (let i = 0; i < 3; i++) await fetch(`${direct.url}/_/health`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } });
    for (let i = 0; i < 3; i++) await fetch(`${proxied.url}/_/health`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } });
    await fetch(`${direct.url}/_/health`);
    // The host writes its log asynchronously: wait until the line after the last request is in.
    await waitUntil(() => linesWith(direct, '"path":"/_/health"').length >= 4, 'the direct host\'s last log line');
    await waitUntil(() => linesWith(proxied, '"path":"/_/health"').length >= 3, 'the proxied host\'s last log line');
    expect(warnings(direct).map((line) => JSON.parse(line))).toEqual([{
      time: expect.any(String), level: 'warn', event: 'trust_proxy_unset', message: expect.stringContaining('TRUST_PROXY is 0'),
    }]);
    expect(warnings(proxied)).toEqual([]);
  });

  test('with TRUST_PROXY=1, the address the proxy saw counts; what the client wrote before it never moves it to another bucket', async () => {
    const guess = (forwardedFor: string, code: string) => answer(`${proxied.url}/token?identity=eve`, {
      headers: { 'x-forwarded-for': forwardedFor, authorization: `Bearer ${code}` },
    });
    for (let i = 0; i < 3; i++) expect(await guess(`10.9.9.${i}, 203.0.113.9`, `wrong-${i}-guess`)).toMatchObject({ status: 401, code: 'auth_invalid' });
    // Guessing is over for 203.0.113.9, whatever it claims to be forwarding for, even with the right passcode.
    expect(await guess('192.0.2.77, 203.0.113.9', passcode)).toMatchObject({ status: 429, code: 'rate_limited' });
    // Another client, behind the same proxy, still gets in.
    expect(await guess('203.0.113.10', passcode)).toMatchObject({ status: 200 });
  });
});

describe('a separate, lower limit for requests that create something upstream', () => {
  const room = { sid: `RM${'a'.repeat(32)}`, type: 'group' };
  let vonage: VonageStandin;
  let twilioVideo: TwilioStandIn;
  let perIdentity: RunningServer;
  let perAddress: RunningServer;

  beforeAll(async () => {
    [vonage, twilioVideo] = await Promise.all([
      startVonageStandin({ applicationId: vonageApplicationId, publicKey: vonageKeys().publicKey }),
      // The room `existing` is in progress; any other is created.
      startTwilioStandIn((request) => {
        if (request.method !== 'GET') return { status: 201, body: room };
        return request.path === '/v1/Rooms/existing' ? { status: 200, body: room } : notFound;
      }),
    ]);
    const env = {
      ...fullTwilioEnv, ...vonageEnv(), VONAGE_VIDEO_HOST: vonage.url, VONAGE_API_HOST: vonage.url, VONAGE_USER_PROVISION: 'true',
      TWILIO_VIDEO_BASE_URL: twilioVideo.url,
    };
    [perIdentity, perAddress] = await Promise.all([
      startNodeHost({ ...env, RATE_LIMIT_CREATE_IP: '0', RATE_LIMIT_CREATE_IDENTITY: '2' }),
      startNodeHost({ ...env, RATE_LIMIT_CREATE_IP: '3', RATE_LIMIT_CREATE_IDENTITY: '0' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([perIdentity?.stop(), perAddress?.stop(), vonage?.stop(), twilioVideo?.close()]);
  });

  test('per identity: two new rooms, then 429 with the create policy; a known room and a plain token still go through', async () => {
    const get = (query: string) => answer(`${perIdentity.url}/vonage-token?${query}`);
    const creates = vonage.sessionCreates.length;
    const created = [await get('identity=maker&kind=video&room=r1'), await get('identity=maker&kind=video&room=r2')];
    expect(created.map((one) => one.status)).toEqual([200, 200]);
    expect(created[1].headers.get('ratelimit')).toMatch(/"create-identity";r=0;t=\d+$/);
    const refused = await get('identity=maker&kind=video&room=r3');
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited', token: undefined });
    expect(refused.headers.get('ratelimit-policy')).toBe('"create-identity";q=2;w=60');
    expect(vonage.sessionCreates.length).toBe(creates + 2);
    // Nothing is created for these, so nothing is counted.
    expect((await get('identity=maker&kind=video&room=r1')).status).toBe(200);
    expect((await get(`identity=maker&kind=video&session_id=${vonage.sessions.at(-1)}`)).status).toBe(200);
    // Another identity has its own budget.
    expect((await get('identity=other&kind=video&room=r3')).status).toBe(200);
  });

  test('per address, across identities and vendors: a Twilio room, a Vonage user and a Vonage room, then 429', async () => {
    const statuses = [
      (await answer(`${perAddress.url}/token?identity=a1&room=standup&create_room=true`)).status,
      (await answer(`${perAddress.url}/vonage-token?identity=a2`)).status,
      (await answer(`${perAddress.url}/vonage-token?identity=a3&kind=video&room=address-room`)).status,
      (await answer(`${perAddress.url}/vonage-token?identity=a4`)).status,
      (await answer(`${perAddress.url}/token?identity=a5&room=another&create_room=true`)).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(vonage.userCreates).toEqual(['a2']);
    // A room that is in progress creates nothing: asking for it is not counted.
    expect((await answer(`${perAddress.url}/token?identity=a6&room=existing&create_room=true`)).status).toBe(200);
  });
});
