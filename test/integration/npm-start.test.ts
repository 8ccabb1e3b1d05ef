import { join } from 'node:path';
import { twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';
import { baseEnv, freePort, RunningServer, root, startProcess } from '../support/server';
import { verifyVonageToken } from '../support/verify';

const { privatePem, publicKey } = vonageKeys();
const keyLines = privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
let server: RunningServer;

/**
 * `npm start` as a new user runs it, minus the build (the suite has built already) and pointed at
 * a .env that does not exist, so a developer's own .env cannot change the outcome.
 */
beforeAll(async () => {
  const port = await freePort();
  server = await startProcess([join(root, 'scripts', 'start.mjs'), '--env', join(root, 'test', 'no-such.env')], {
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
    await fetch(`${server.url}/vonage-token?identity=alice`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.output()).toContain('twilio-run:');
    for (const line of keyLines) expect(server.output()).not.toContain(line);
  });
});
