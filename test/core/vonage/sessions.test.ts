import { generateKeyPairSync } from 'node:crypto';
import { vonageApplicationId, vonageKeys } from '../../support/fixtures';
import { freePort } from '../../support/server';
import { startVonageStandin, VonageStandin } from '../../support/vonage-standin';
import { startUpstreamProcess, UpstreamProcess } from '../../support/vonage-upstream-process';

let standin: VonageStandin;
let upstream: UpstreamProcess;

beforeEach(async () => {
  standin = await startVonageStandin({ applicationId: vonageApplicationId, publicKey: vonageKeys().publicKey });
  upstream = await startUpstreamProcess({ applicationId: vonageApplicationId, privatePem: vonageKeys().privatePem });
});

afterEach(async () => {
  await upstream.stop();
  await standin.stop();
  // Every request must pass Vonage's checks: a refused one fails the test that made it.
  expect(standin.refused).toEqual([]);
});

function options(extra: { mediaMode?: 'routed' | 'relayed'; timeoutMs?: number; videoHost?: string } = {}) {
  return { videoHost: standin.url, mediaMode: 'routed' as const, roomTtlSeconds: 86400, timeoutMs: 5000, ...extra };
}

describe('sessionForRoom', () => {
  test('creates a routed, manually archived session on first use and remembers it for the room TTL', async () => {
    const sessionId = await upstream.sessionForRoom('a', { ...options(), roomTtlSeconds: 3600 }, 'standup');

    expect(standin.sessions).toEqual([sessionId]);
    // @vonage/video sends `location=null` when no location hint is given.
    expect(standin.sessionCreates).toEqual([{ archiveMode: 'manual', 'p2p.preference': 'disabled', location: 'null' }]);
    expect(await upstream.writes()).toEqual([{ key: 'vonage:room:standup', value: sessionId, ttlSeconds: 3600 }]);
  });

  test('relayed media mode asks Vonage for peer-to-peer media', async () => {
    await upstream.sessionForRoom('a', options({ mediaMode: 'relayed' }), 'standup');
    expect(standin.sessionCreates).toEqual([{ archiveMode: 'manual', 'p2p.preference': 'enabled', location: 'null' }]);
  });

  test('a second request for the room reuses its session with no API call; another room gets its own', async () => {
    const first = await upstream.sessionForRoom('a', options(), 'standup');
    const again = await upstream.sessionForRoom('b', options(), 'standup');
    const other = await upstream.sessionForRoom('a', options(), 'retro');

    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(standin.sessions).toEqual([first, other]);
  });

  test('20 concurrent first requests on one replica make one API call and get one session', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => upstream.sessionForRoom('a', options(), 'standup')));

    expect(new Set(ids)).toEqual(new Set(standin.sessions));
    expect(standin.sessions).toHaveLength(1);
  });

  test('20 concurrent first requests over two replicas sharing a store all get the session stored first', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, n) => upstream.sessionForRoom(n % 2 ? 'a' : 'b', options(), 'standup')));

    console.log(`20 first requests over two replicas: the stand-in saw ${standin.sessions.length} session create(s)`);
    const writes = await upstream.writes();
    expect(writes).toEqual([{ key: 'vonage:room:standup', value: expect.any(String), ttlSeconds: 86400 }]);
    expect(new Set(ids)).toEqual(new Set([writes[0].value]));
    expect(standin.sessions).toContain(writes[0].value);
  });

  test('loads @vonage/video only when a room needs a new session', async () => {
    expect(await upstream.loadedVonageModules()).toEqual([]);
    await upstream.sessionForRoom('a', options(), 'standup');

    const loaded = await upstream.loadedVonageModules();
    expect(loaded).toContain('@vonage/video/dist/cjs/index.js');
    expect(loaded.filter((path) => path.startsWith('@vonage/users/'))).toEqual([]);
  });
});

describe('sessionForRoom when Vonage fails', () => {
  test('a 500 answer is upstream_error with Vonage\'s error type, and nothing is remembered', async () => {
    standin.fault = { status: 500 };
    await expect(upstream.sessionForRoom('a', options(), 'standup')).rejects.toEqual({
      code: 'upstream_error', status: 502,
      detail: 'Vonage answered HTTP 500 to the Video session request.',
      extensions: { vendor_code: 'https://developer.nexmo.com/api-errors#internal-error' },
    });
    expect(await upstream.writes()).toEqual([]);

    standin.fault = undefined;
    const sessionId = await upstream.sessionForRoom('a', options(), 'standup');
    expect(standin.sessions).toEqual([sessionId]);
  });

  test('a token Vonage refuses is upstream_error with Vonage\'s error type', async () => {
    const otherApplication = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const strict = await startVonageStandin({ applicationId: vonageApplicationId, publicKey: otherApplication });
    try {
      await expect(upstream.sessionForRoom('a', options({ videoHost: strict.url }), 'standup')).rejects.toEqual({
        code: 'upstream_error', status: 502,
        detail: 'Vonage answered HTTP 401 to the Video session request.',
        extensions: { vendor_code: 'https://developer.nexmo.com/api-errors#unauthorized' },
      });
      expect(strict.refused).toEqual(['token rejected: signature verification failed']);
    } finally {
      await strict.stop();
    }
  });

  test('an answer larger than 64 KiB is upstream_error and is not read further', async () => {
    standin.fault = { status: 200, bytes: 1024 * 1024 };
    await expect(upstream.sessionForRoom('a', options(), 'standup')).rejects.toEqual({
      code: 'upstream_error', status: 502,
      detail: "Vonage's answer is larger than 65536 bytes.",
      extensions: { vendor_code: 200 },
    });
  });

  test('no answer within the call\'s deadline is upstream_unavailable', async () => {
    standin.fault = 'hang';
    await expect(upstream.sessionForRoom('a', options({ timeoutMs: 300 }), 'standup')).rejects.toEqual({
      code: 'upstream_unavailable', status: 503,
      detail: 'Vonage did not answer the Video session request in time.',
      extensions: {},
    });
  });

  test('the request\'s deadline of 2 s ends the call long before the call\'s own 20 s: upstream_unavailable', async () => {
    standin.fault = 'hang';
    const started = Date.now();
    const problem = upstream.sessionForRoom('a', { ...options({ timeoutMs: 20_000 }), budgetMs: 2000 }, 'standup');
    await expect(problem).rejects.toMatchObject({ code: 'upstream_unavailable', status: 503 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a refused connection is upstream_unavailable', async () => {
    const closedPort = await freePort();
    await expect(upstream.sessionForRoom('a', options({ videoHost: `http://127.0.0.1:${closedPort}` }), 'standup')).rejects.toEqual({
      code: 'upstream_unavailable', status: 503,
      detail: 'Vonage could not be reached for the Video session request (ECONNREFUSED).',
      extensions: {},
    });
  });
});
