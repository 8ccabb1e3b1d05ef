import { join } from 'node:path';
import { twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';
import { RedisServer, startRedis, stopRedis } from '../support/redis';
import {
  andItsLogLine, baseEnv, buildDir, envFile, freePort, RunningServer, startNodeHost, startProcess,
} from '../support/server';

/** Secrets a user would have set, each unlike anything else the output could hold. */
const redisPassword = 'redis-pw-5e1c0a7d9b';
const passcode = 'passcode-3f8e2b6c41';
const { privatePem } = vonageKeys();
const keyLines = privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ password: redisPassword });
});
afterAll(() => stopRedis(redis));

/** Everything a deployment with shared state, a passcode and both vendors holds. */
const secretEnv = () => ({
  ...twilioCredentials, VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY: privatePem,
  AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, STATE_STORE: 'redis', REDIS_URL: redis.url, DEBUG: '*',
});

/** `npm start` as a user runs it, minus the build, with no .env of the developer's. */
async function startNpmStart(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  return startProcess([join(buildDir, 'start', 'start.js'), '--env', envFile({})], {
    port, readyPath: '/_/none', env: baseEnv({ ...env, PORT: String(port) }),
  });
}

describe.each([
  ['the Node host', (env: Record<string, string>) => startNodeHost(env)],
  ['npm start', startNpmStart],
])('DEBUG=* on %s with Redis, a passcode and both vendors\' keys', (_name, start) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start(secretEnv());
  }, 30_000);
  afterAll(() => server?.stop());

  test('no output line holds the Redis password, the passcode, the API secret or the Vonage key', async () => {
    const bearer = { authorization: `Bearer ${passcode}` };
    const issued = [
      await andItsLogLine(server, '"identity":"alice"', () => fetch(`${server.url}/token?identity=alice`, { headers: bearer })),
      await andItsLogLine(server, '"identity":"bob"', () => fetch(`${server.url}/vonage-token?identity=bob`, { headers: bearer })),
      await andItsLogLine(server, '"identity":"carol"', () => fetch(`${server.url}/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'carol', passcode }),
      })),
    ];
    expect(issued.map((response) => response.status)).toEqual([200, 200, 200]);
    await andItsLogLine(server, '"code":"auth_invalid"', () => fetch(`${server.url}/token?identity=mallory`, { headers: { authorization: 'Bearer wrong-guess-1' } }));

    const lines = server.output().split('\n');
    const leaks = lines.filter((line) => [redisPassword, passcode, twilioCredentials.API_SECRET, ...keyLines].some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  }, 30_000);
});
