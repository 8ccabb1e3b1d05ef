import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';
import { twilioCredentials } from '../support/fixtures';
import { baseEnv, buildDir, freePort, RunningServer, startProcess } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

/**
 * One .env, read by `npm start`, `npm run serve` and `rtc-token` alike: credentials, PORT and an
 * inline comment (which Node's parser drops) from the file, and TOKEN_TTL from both, where the
 * process environment wins.
 */
let project: string;
let port: number;
const running: RunningServer[] = [];

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'token-project-'));
  port = await freePort();
  writeFileSync(join(project, '.env'), [
    '# A developer\'s .env',
    `ACCOUNT_SID=${twilioCredentials.ACCOUNT_SID}`,
    `API_KEY="${twilioCredentials.API_KEY}"`,
    `API_SECRET=${twilioCredentials.API_SECRET} # from the console`,
    `PORT=${port}`,
    'TOKEN_TTL=600',
    'AUTH_MODE=none',
  ].join('\n'), { mode: 0o600 });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop('SIGTERM')));
});
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

async function mintedOver(url: string): Promise<{ token: string; ttl: number }> {
  const response = await fetch(`${url}/token?identity=alice&grants=video`);
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; ttl: number };
}

async function expectSignedWithTheFile(token: string): Promise<void> {
  const { payload } = await verifyTwilioToken(token, twilioCredentials.API_SECRET);
  expect([payload.iss, payload.sub]).toEqual([twilioCredentials.API_KEY, twilioCredentials.ACCOUNT_SID]);
}

describe('one .env for every command', () => {
  test('npm run serve (the Node host with --dotenv) listens on its PORT and signs with its credentials', async () => {
    const host = await startProcess([join(buildDir, 'host', 'server.js'), '--dotenv'], {
      cwd: project, port, readyPath: '/_/health', env: baseEnv({ TOKEN_TTL: '900' }),
    });
    running.push(host);
    const { token, ttl } = await mintedOver(host.url);
    await expectSignedWithTheFile(token);
    expect(ttl).toBe(900);
  });

  test('npm start reads it the same way', async () => {
    const start = await startProcess([join(buildDir, 'start', 'start.js'), '--env', join(project, '.env')], {
      port, readyPath: '/token', env: baseEnv({ TOKEN_TTL: '900' }),
    });
    running.push(start);
    const { token, ttl } = await mintedOver(start.url);
    await expectSignedWithTheFile(token);
    expect(ttl).toBe(900);
  });

  test('rtc-token reads it the same way', async () => {
    const { stdout, status } = await runCli(['mint', 'twilio', '--identity', 'alice', '--grants', 'video', '--json'], {
      cwd: project, env: { TOKEN_TTL: '900' },
    });
    const { token, ttl } = JSON.parse(stdout) as { token: string; ttl: number };
    await expectSignedWithTheFile(token);
    expect([ttl, status]).toEqual([900, 0]);
  });

  test('the Node host started without --dotenv reads the environment only, as platforms run it', async () => {
    const otherPort = await freePort();
    const host = await startProcess([join(buildDir, 'host', 'server.js')], {
      cwd: project, port: otherPort, readyPath: '/_/health', env: baseEnv({ PORT: String(otherPort) }),
    });
    running.push(host);
    const response = await fetch(`${host.url}/token?identity=alice`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'config_missing' });
  });

  test('the Node host refuses an unknown option with one line that names it', async () => {
    const otherPort = await freePort();
    await expect(startProcess([join(buildDir, 'host', 'server.js'), '--dot-env'], {
      cwd: project, port: otherPort, readyPath: '/_/health', env: baseEnv({ PORT: String(otherPort) }),
    })).rejects.toThrow(/"event":"host_start_failed","detail":"Unknown option '--dot-env'\. Options: --dotenv \(read \.env\) or --env <file>\."/);
  });
});
