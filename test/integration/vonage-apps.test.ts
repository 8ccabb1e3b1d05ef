import { fullTwilioEnv, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { IdentityProvider } from '../support/identity-provider';
import { startRedis } from '../support/redis';
import { freePort, linesWith, outputSettles, RunningServer, startNodeHost, waitUntil } from '../support/server';
import { startLanding, startRedirect } from '../support/redirect';
import { verifyVonageToken } from '../support/verify';
import { startVonageStandin, VonageStandin } from '../support/vonage-standin';

type Redis = Awaited<ReturnType<typeof startRedis>>;

/** One client, many requests: the abuse limits stay out of the way here. */
const noLimits = { RATE_LIMIT_IP: '0', RATE_LIMIT_IDENTITY: '0', RATE_LIMIT_CREATE_IP: '0', RATE_LIMIT_CREATE_IDENTITY: '0' };

let vonage: VonageStandin;
beforeAll(async () => {
  vonage = await startVonageStandin({ applicationId: vonageApplicationId, publicKey: vonageKeys().publicKey });
});
afterAll(() => vonage?.stop());
afterEach(() => {
  // Every request the service sent would have been accepted by Vonage: signed with the app key, claims right.
  expect(vonage.refused).toEqual([]);
  vonage.fault = undefined;
  vonage.answer = undefined;
});

const hostsOn = (url: string, extra: Record<string, string> = {}) => ({
  ...vonageEnv(), ...noLimits, VONAGE_VIDEO_HOST: url, VONAGE_API_HOST: url, ...extra,
});

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe('Video rooms map to one session across replicas sharing Redis', () => {
  let redis: Redis;
  let hosts: RunningServer[];
  beforeAll(async () => {
    redis = await startRedis();
    const env = hostsOn(vonage.url, { STATE_STORE: 'redis', REDIS_URL: redis.url });
    hosts = await Promise.all([startNodeHost(env), startNodeHost(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all((hosts ?? []).map((host) => host.stop()));
    await redis?.stop();
  });

  test('20 concurrent first requests for one room, over two hosts, all get the same session_id', async () => {
    const creates = vonage.sessionCreates.length;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      fetch(`${hosts[i % 2].url}/vonage-token?identity=user${i}&kind=video&room=all-hands`).then(json)));
    const sessions = new Set(answers.map((answer) => answer.session_id));
    expect(sessions.size).toBe(1);
    console.log(`20 first requests for one room over two hosts: Vonage saw ${vonage.sessionCreates.length - creates} session creates`);
    const [sessionId] = sessions;
    expect(vonage.sessions).toContain(sessionId);
    for (const answer of answers) {
      expect(answer).toMatchObject({ kind: 'video', application_id: vonageApplicationId, session_id: sessionId, role: 'publisher', room: 'all-hands' });
      const { payload } = await verifyVonageToken(answer.token, vonageKeys().publicKey);
      expect(payload).toMatchObject({ session_id: sessionId, connection_data: JSON.stringify({ identity: answer.identity }) });
    }
    // Known afterwards: no further create, from either host.
    const before = vonage.sessionCreates.length;
    expect((await fetch(`${hosts[1].url}/vonage-token?identity=late&kind=video&room=all-hands`).then(json)).session_id).toBe(sessionId);
    expect(vonage.sessionCreates.length).toBe(before);
    // Another room is another session, created routed (Vonage's p2p.preference=disabled) with manual archiving.
    expect((await fetch(`${hosts[0].url}/vonage-token?identity=a&kind=video&room=standup`).then(json)).session_id).not.toBe(sessionId);
    expect(vonage.sessionCreates.at(-1)).toMatchObject({ 'p2p.preference': 'disabled', archiveMode: 'manual' });
  });
});

describe('Client SDK users are provisioned once', () => {
  let host: RunningServer;
  beforeAll(async () => {
    host = await startNodeHost(hostsOn(vonage.url, { VONAGE_USER_PROVISION: 'true' }));
  });
  afterAll(() => host?.stop());

  test('the first token creates the user; the next one makes no Users API call; the answer carries user_id', async () => {
    const [creates, lookups] = [vonage.userCreates.length, vonage.userLookups.length];
    const first = await json(await fetch(`${host.url}/vonage-token?identity=newcomer`));
    expect(first).toMatchObject({ kind: 'client', identity: 'newcomer', application_id: vonageApplicationId, user_id: vonage.users.get('newcomer') });
    expect(vonage.userCreates.slice(creates)).toEqual(['newcomer']);
    const second = await json(await fetch(`${host.url}/vonage-token?identity=newcomer`));
    expect(second.user_id).toBe(first.user_id);
    expect(vonage.userCreates.length).toBe(creates + 1);
    expect(vonage.userLookups.length).toBe(lookups);
  });

  test('a user that already exists at Vonage (409) is success, with its id', async () => {
    vonage.users.set('veteran', 'USR-00000000-0000-4000-8000-000000000001');
    const answer = await json(await fetch(`${host.url}/vonage-token?identity=veteran`));
    expect(answer.user_id).toBe('USR-00000000-0000-4000-8000-000000000001');
  });
});

describe('the identity in Video tokens is the verified one', () => {
  const idp = new IdentityProvider();
  let host: RunningServer;
  beforeAll(async () => {
    await idp.start();
    host = await startNodeHost(hostsOn(vonage.url, idp.env()));
  });
  afterAll(async () => {
    await host?.stop();
    await idp.stop();
  });

  test('jwt mode: data carries the token\'s identity; data that names another identity cannot change it', async () => {
    const credential = await idp.sign({ sub: 'alice' });
    const data = encodeURIComponent('{"identity":"mallory"}');
    const answer = await json(await fetch(`${host.url}/vonage-token?kind=video&room=board&data=${data}`, { headers: { authorization: `Bearer ${credential}` } }));
    const { payload } = await verifyVonageToken(answer.token, vonageKeys().publicKey);
    expect(JSON.parse(payload.connection_data as string)).toEqual({ identity: 'alice', data: '{"identity":"mallory"}' });
  });
});

describe('upstream faults', () => {
  let host: RunningServer;
  beforeAll(async () => {
    host = await startNodeHost(hostsOn(vonage.url, { VONAGE_USER_PROVISION: 'true' }));
  });
  afterAll(() => host?.stop());

  test('a 500 from Vonage is 502 upstream_error with Vonage\'s error type, and nothing is minted', async () => {
    vonage.fault = { status: 500 };
    const answer = await fetch(`${host.url}/vonage-token?identity=u1&kind=video&room=faulty`);
    expect(answer.status).toBe(502);
    const body = await json(answer);
    // Vonage's error type, from its RFC 7807 body (the status when a body has none).
    expect(body).toMatchObject({ code: 'upstream_error', vendor_code: 'https://developer.nexmo.com/api-errors#internal-error' });
    expect(body.token).toBeUndefined();
  });

  test('a Vonage that hangs past the 5 s deadline is 503 upstream_unavailable', async () => {
    vonage.fault = 'hang';
    const started = Date.now();
    const answer = await fetch(`${host.url}/vonage-token?identity=u2`);
    expect(answer.status).toBe(503);
    expect(await json(answer)).toMatchObject({ code: 'upstream_unavailable' });
    expect(Date.now() - started).toBeLessThan(7000);
  }, 20_000);

  test('UPSTREAM_BUDGET_MS=1500: a Vonage that hangs is 503 upstream_unavailable with Retry-After within the budget, not the call\'s 5 s', async () => {
    vonage.fault = 'hang';
    const budgeted = await startNodeHost(hostsOn(vonage.url, { UPSTREAM_BUDGET_MS: '1500' }));
    try {
      const started = Date.now();
      const answer = await fetch(`${budgeted.url}/vonage-token?identity=u4&kind=video&room=slow`);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(await json(answer)).toMatchObject({ code: 'upstream_unavailable' });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await budgeted.stop();
    }
  });

  test('a client that leaves: the Vonage call in flight is aborted at once, nothing is minted, and the log says abandoned', async () => {
    vonage.fault = 'hang';
    const [received, abandoned] = [vonage.received.length, vonage.abandoned.length];
    const client = new AbortController();
    const answer = fetch(`${host.url}/vonage-token?identity=leaver&kind=video&room=left`, { signal: client.signal }).catch((error: Error) => error.name);
    await waitUntil(() => vonage.received.length > received, 'the session request');
    const left = Date.now();
    client.abort();
    expect(await answer).toBe('AbortError');
    await waitUntil(() => vonage.abandoned.length > abandoned, 'the session request closing');
    expect(vonage.abandoned.slice(abandoned)).toEqual(['POST /session/create']);
    // Without the client's leaving, the call would have run into its 5 s deadline.
    expect(Date.now() - left).toBeLessThan(3000);
    await outputSettles(host, (output) => output.includes('"identity":"leaver"'));
    expect(linesWith(host, '"identity":"leaver"').map((line) => JSON.parse(line))).toEqual([{
      time: expect.any(String), event: 'http', method: 'GET', path: '/vonage-token', status: null, duration_ms: expect.any(Number),
      outcome: 'abandoned', identity: 'leaver', aborted: true,
    }]);
  });

  test('a redirect is not followed: 502 upstream_error, and the application JWT never reaches the other server', async () => {
    const landing = await startLanding();
    const redirect = await startRedirect(landing.url, [{ session_id: '2_MX4redirected-fg' }]);
    const redirected = await startNodeHost(hostsOn(redirect.url, { VONAGE_USER_PROVISION: 'true' }));
    try {
      for (const query of ['identity=r1&kind=video&room=elsewhere', 'identity=r2']) {
        const answer = await fetch(`${redirected.url}/vonage-token?${query}`);
        expect(answer.status).toBe(502);
        const body = await json(answer);
        expect(body).toMatchObject({ code: 'upstream_error', vendor_code: 302 });
        expect(body.token).toBeUndefined();
      }
      expect(landing.requests).toEqual([]);
    } finally {
      await Promise.all([redirected.stop(), redirect.close(), landing.close()]);
    }
  });

  test('a Vonage that refuses connections is 503 upstream_unavailable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const lonely = await startNodeHost(hostsOn(closed));
    try {
      const answer = await fetch(`${lonely.url}/vonage-token?identity=u3&kind=video&room=nowhere`);
      expect(answer.status).toBe(503);
      expect(await json(answer)).toMatchObject({ code: 'upstream_unavailable' });
      expect((await fetch(`${lonely.url}/token?identity=u3`)).status).toBe(500);
    } finally {
      await lonely.stop();
    }
  });
});

describe('values from Vonage are checked before use', () => {
  let host: RunningServer;
  beforeAll(async () => {
    host = await startNodeHost(hostsOn(vonage.url, { VONAGE_USER_PROVISION: 'true' }));
  });
  afterAll(() => host?.stop());

  /** 5,009 characters: an escape sequence, a right-to-left override and a path climb among them. */
  const hostileSessionId = `2_MX4\u001b[2J\u202e../../${'A'.repeat(5000)}`;

  test.each([
    ['a session id of 5,009 characters with ESC, RLO and ../', [{ session_id: hostileSessionId }]],
    ['a session id with a space', [{ session_id: '2_MX4 abc' }]],
    ['a number for a session id', [{ session_id: 12345 }]],
    ['no session in the list', []],
    ['an object instead of the list', { session_id: '2_MX4abc' }],
    ['null', null],
  ])('%s: 502 upstream_error, nothing minted, nothing remembered', async (_name, body) => {
    vonage.answer = body;
    const room = `checked-${Math.random().toString(36).slice(2)}`;
    const refused = await fetch(`${host.url}/vonage-token?identity=alice&kind=video&room=${room}`);
    expect(refused.status).toBe(502);
    const problem = await json(refused);
    expect(problem).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(problem.token).toBeUndefined();
    expect(JSON.stringify(problem)).not.toContain('../');

    // Remembered, the room would be served without asking Vonage: it asks again.
    vonage.answer = undefined;
    const creates = vonage.sessionCreates.length;
    const served = await json(await fetch(`${host.url}/vonage-token?identity=alice&kind=video&room=${room}`));
    expect(vonage.sessionCreates.length).toBe(creates + 1);
    expect(served.session_id).toBe(vonage.sessions.at(-1));
    expect(host.output()).not.toContain('\u001b');
  });

  test.each([
    ['a user id that is not USR- and a UUID', { id: 'USR-../../v1/applications', name: 'x' }],
    ['a number for a user id', { id: 7, name: 'x' }],
    ['a list instead of the user', [{ id: 'USR-00000000-0000-4000-8000-000000000002' }]],
    ['a string instead of the user', 'USR-00000000-0000-4000-8000-000000000002'],
  ])('%s: 502 upstream_error, nothing minted, nothing remembered', async (_name, body) => {
    vonage.answer = body;
    const identity = `user-${Math.random().toString(36).slice(2)}`;
    const refused = await fetch(`${host.url}/vonage-token?identity=${identity}`);
    expect(refused.status).toBe(502);
    const problem = await json(refused);
    expect(problem).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(problem.token).toBeUndefined();

    vonage.answer = undefined;
    const served = await json(await fetch(`${host.url}/vonage-token?identity=${identity}`));
    expect(served.user_id).toBe(vonage.users.get(identity));
  });
});

describe('what a browser client needs is all in the answer', () => {
  test('application_id, session_id and token: what OT.initSession and session.connect take', async () => {
    const host = await startNodeHost({ ...hostsOn(vonage.url), ...fullTwilioEnv });
    try {
      const answer = await json(await fetch(`${host.url}/vonage-token?identity=alice&kind=video&room=demo`));
      expect(Object.keys(answer).sort()).toEqual(['application_id', 'expires_at', 'identity', 'kind', 'role', 'room', 'session_id', 'token', 'ttl']);
      expect(answer.application_id).toBe(vonageApplicationId);
    } finally {
      await host.stop();
    }
  });
});
