import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';
import { andItsLogLine, baseEnv, buildDir, envFile, freePort, RunningServer, startProcess } from '../support/server';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

const { privatePem, publicKey } = vonageKeys();
const keyLines = privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
/** `npm start` minus the build, which the suite has done already. */
const startScript = join(buildDir, 'start', 'start.js');
let server: RunningServer;

/**
 * `npm start` as a new user runs it, pointed at an empty .env, so a developer's own .env cannot
 * change the outcome.
 */
beforeAll(async () => {
  const port = await freePort();
  server = await startProcess([startScript, '--env', envFile({})], {
    port, readyPath: '/token',
    env: baseEnv({ PORT: String(port), DEBUG: '*', VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY: privatePem }),
  });
});
afterAll(async () => {
  expect(await server?.stop('SIGTERM')).toBe(0);
});

describe('npm start', () => {
  test('with no Twilio credentials serves tokens signed with labelled demo credentials', async () => {
    const response = await fetch(`${server.url}/token?identity=alice`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { grants: string[]; token: string };
    expect(body.grants).toEqual(['video', 'chat', 'voice', 'sync']);
    // The SIDs a token carries are marked as demo ones (src/core/config/demo.ts).
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString()) as { iss: string; sub: string };
    expect(claims.iss).toMatch(/^SK0{16}[0-9a-f]{16}$/);
    expect(claims.sub).toMatch(/^AC0{16}[0-9a-f]{16}$/);
    expect(server.output()).toContain('DEMO CREDENTIALS');
    expect(server.output()).toContain('Twilio rejects these');
    expect(server.output()).not.toContain(twilioCredentials.API_SECRET);
  });

  test('uses Vonage credentials from the environment instead of demo ones', async () => {
    const response = await fetch(`${server.url}/vonage-token?identity=alice`);
    const { token } = (await response.json()) as { token: string };
    await verifyVonageToken(token, publicKey);
    expect(server.output()).not.toContain('Vonage rejects these');
  });

  test('keeps DEBUG=* from printing the Function context with its secrets', async () => {
    await andItsLogLine(server, '"identity":"alice"', () => fetch(`${server.url}/vonage-token?identity=alice`));
    expect(server.output()).toContain('twilio-run:');
    for (const line of keyLines) expect(server.output()).not.toContain(line);
  });

  test('warns at start-up that real credentials are served without authentication', () => {
    const warning = server.output().indexOf('WARNING: AUTH_MODE is none and real credentials are configured');
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(warning).toBeLessThan(server.output().indexOf('twilio-run:'));
  });
});

/** This machine's own non-loopback IPv4 address, where one exists. */
const external = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal);

describe('npm start binding and secrets', () => {
  const passcode = 'correct-horse-battery-staple';
  let local: RunningServer;
  let exposed: RunningServer;

  beforeAll(async () => {
    const [localPort, exposedPort] = [await freePort(), await freePort()];
    const env = { ...twilioCredentials, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, DEBUG: '*' };
    [local, exposed] = await Promise.all([
      startProcess([startScript, '--env', envFile({})], {
        port: localPort, readyPath: '/_/none', env: baseEnv({ ...env, PORT: String(localPort) }),
      }),
      startProcess([startScript, '--env', envFile({})], {
        port: exposedPort, readyPath: '/_/none', env: baseEnv({ ...env, PORT: String(exposedPort), HOST: '0.0.0.0' }),
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([local?.stop('SIGTERM'), exposed?.stop('SIGTERM')]);
  });

  (external ? test : test.skip)(`listens on 127.0.0.1 only, and on ${external?.address ?? '(no non-loopback address: skipped)'} only with HOST=0.0.0.0`, async () => {
    await expect(fetch(`http://${external!.address}:${local.port}/token`)).rejects.toThrow();
    expect((await fetch(`http://${external!.address}:${exposed.port}/token`)).status).toBe(401);
  });

  test('with AUTH_MODE set, no open-access warning', () => {
    expect(local.output()).not.toContain('WARNING: AUTH_MODE is none');
  });

  test('under DEBUG=*, neither the passcode nor an issued token reaches the output', async () => {
    const asBearer = await andItsLogLine(local, '"identity":"alice"',
      () => fetch(`${local.url}/token?identity=alice`, { headers: { authorization: `Bearer ${passcode}` } }));
    const inBody = await andItsLogLine(local, '"identity":"bob"', () => fetch(`${local.url}/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'bob', passcode }),
    }));
    const tokens = [await asBearer.json(), await inBody.json()].map((body) => (body as { token: string }).token);
    expect(tokens.every((token) => typeof token === 'string')).toBe(true);
    expect(local.output()).toContain('express:application');
    expect(local.output()).not.toContain(passcode);
    for (const token of tokens) expect(local.output()).not.toContain(token.split('.')[2]);
  });

  test('under DEBUG=*, the namespaces that print request URLs, events and contexts stay off', async () => {
    await andItsLogLine(local, '"identity":"carol"', () => fetch(`${local.url}/token?identity=carol&room=debug-probe`, {
      headers: { authorization: `Bearer ${passcode}` },
    }));
    const debugLines = local.output().split('\n').filter((line) => /express:router|twilio-runtime-handler/.test(line));
    expect(debugLines).toEqual([]);
  });
});

describe('npm start with a .env', () => {
  let withFile: RunningServer;

  /** Credentials, PORT and limits only in the .env; TOKEN_TTL in both, where the environment wins. */
  beforeAll(async () => {
    const port = await freePort();
    const file = envFile({ ...twilioCredentials, PORT: String(port), RATE_LIMIT_IDENTITY: '2', TOKEN_TTL: '600', AUTH_MODE: 'none' });
    withFile = await startProcess([startScript, '--env', file], { port, readyPath: '/token', env: baseEnv({ TOKEN_TTL: '900' }) });
  });
  afterAll(async () => {
    await withFile?.stop('SIGTERM');
  });

  test('listens on PORT from .env and signs with its credentials; the environment wins over the file', async () => {
    const response = await fetch(`${withFile.url}/token?identity=dana`);
    const body = (await response.json()) as { token: string; ttl: number };
    expect(response.status).toBe(200);
    expect(body.ttl).toBe(900);
    const { payload } = await verifyTwilioToken(body.token, twilioCredentials.API_SECRET);
    expect([payload.iss, payload.sub]).toEqual([twilioCredentials.API_KEY, twilioCredentials.ACCOUNT_SID]);
    expect(withFile.output()).not.toContain('Twilio rejects these');
  });

  test('limits counted in memory hold from one request to the next, as in one warm container', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${withFile.url}/token?identity=erin`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  test('a .env named with --env that does not exist stops start-up with a line that names it', async () => {
    const port = await freePort();
    await expect(startProcess([startScript, '--env', 'no-such.env'], { port, readyPath: '/token', env: baseEnv({ PORT: String(port) }) }))
      .rejects.toThrow('npm start: The file no-such.env does not exist.');
  });
});
