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

function options(extra: { timeoutMs?: number; apiHost?: string } = {}) {
  return { apiHost: standin.url, timeoutMs: 5000, ...extra };
}

describe('ensureUser', () => {
  test('creates the user on first use and remembers its id for a day', async () => {
    const userId = await upstream.ensureUser('a', options(), 'alice');

    expect(standin.userCreates).toEqual(['alice']);
    expect(userId).toBe(standin.users.get('alice'));
    expect(userId).toMatch(/^USR-[0-9a-f-]{36}$/);
    expect(await upstream.writes()).toEqual([{ key: 'vonage:user:alice', value: userId, ttlSeconds: 86400 }]);
  });

  test('a known user costs no API call, on any replica', async () => {
    const first = await upstream.ensureUser('a', options(), 'alice');
    const again = await upstream.ensureUser('a', options(), 'alice');
    const elsewhere = await upstream.ensureUser('b', options(), 'alice');

    expect([again, elsewhere]).toEqual([first, first]);
    expect(standin.userCreates).toEqual(['alice']);
    expect(standin.userLookups).toEqual([]);
  });

  test('a user that already exists (409) is success: its id is looked up by name', async () => {
    standin.users.set('bob', 'USR-0b0b0b0b-0000-4000-8000-000000000000');

    await expect(upstream.ensureUser('a', options(), 'bob')).resolves.toBe('USR-0b0b0b0b-0000-4000-8000-000000000000');
    expect(standin.userCreates).toEqual(['bob']);
    expect(standin.userLookups).toEqual(['bob']);
    expect(await upstream.writes()).toEqual([{ key: 'vonage:user:bob', value: 'USR-0b0b0b0b-0000-4000-8000-000000000000', ttlSeconds: 86400 }]);
  });

  test('concurrent first requests on two replicas end with the one user', async () => {
    const ids = await Promise.all([
      upstream.ensureUser('a', options(), 'carol'), upstream.ensureUser('b', options(), 'carol'),
    ]);
    expect(ids).toEqual([standin.users.get('carol'), standin.users.get('carol')]);
  });

  test('loads @vonage/users only when a user must be provisioned', async () => {
    expect(await upstream.loadedVonageModules()).toEqual([]);
    await upstream.ensureUser('a', options(), 'alice');

    const loaded = await upstream.loadedVonageModules();
    expect(loaded).toContain('@vonage/users/dist/cjs/index.js');
    expect(loaded.filter((path) => path.startsWith('@vonage/video/'))).toEqual([]);
  });
});

describe('ensureUser when Vonage fails', () => {
  test('a 500 answer is upstream_error with the Users API\'s error code, and nothing is remembered', async () => {
    standin.fault = { status: 500, code: 'user:error:internal' };
    await expect(upstream.ensureUser('a', options(), 'alice')).rejects.toEqual({
      code: 'upstream_error', status: 502,
      detail: 'Vonage answered HTTP 500 to the Users request.',
      extensions: { vendor_code: 'user:error:internal' },
    });
    expect(await upstream.writes()).toEqual([]);
  });

  test('an answer larger than 64 KiB is upstream_error', async () => {
    standin.fault = { status: 201, bytes: 1024 * 1024 };
    await expect(upstream.ensureUser('a', options(), 'alice')).rejects.toEqual({
      code: 'upstream_error', status: 502,
      detail: "Vonage's answer is larger than 65536 bytes.",
      extensions: { vendor_code: 201 },
    });
  });

  test('no answer within the call\'s deadline is upstream_unavailable', async () => {
    standin.fault = 'hang';
    await expect(upstream.ensureUser('a', options({ timeoutMs: 300 }), 'alice')).rejects.toEqual({
      code: 'upstream_unavailable', status: 503,
      detail: 'Vonage did not answer the Users request in time.',
      extensions: {},
    });
  });

  test('a refused connection is upstream_unavailable', async () => {
    const closedPort = await freePort();
    await expect(upstream.ensureUser('a', options({ apiHost: `http://127.0.0.1:${closedPort}` }), 'alice')).rejects.toEqual({
      code: 'upstream_unavailable', status: 503,
      detail: 'Vonage could not be reached for the Users request (ECONNREFUSED).',
      extensions: {},
    });
  });
});
