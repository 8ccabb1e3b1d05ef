import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { twilioCredentials } from '../support/fixtures';
import { runNodeHostToExit, RunningServer, startNodeHost } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

const dir = mkdtempSync(join(tmpdir(), 'host-secrets-'));
const passcode = 'correct-horse-battery-staple';
let host: RunningServer;

/** A secret as Docker and Kubernetes mount it: a file readable by its owner, ending in a newline. */
function secretFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

const { API_SECRET, ...twilioIds } = twilioCredentials;

beforeAll(async () => {
  host = await startNodeHost({
    ...twilioIds,
    API_SECRET_FILE: secretFile('api-secret', `${API_SECRET}\n`),
    AUTH_MODE: 'passcode',
    AUTH_PASSCODE_FILE: secretFile('passcode', `${passcode}\n`),
  });
}, 30000);
afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets from files on the Node host', () => {
  test('API_SECRET_FILE signs tokens with the secret the file holds', async () => {
    const response = await fetch(`${host.url}/token?identity=alice`, { headers: { authorization: `Bearer ${passcode}` } });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const { payload } = await verifyTwilioToken(token, API_SECRET);
    expect(payload).toMatchObject({ iss: twilioCredentials.API_KEY, sub: twilioCredentials.ACCOUNT_SID });
  });

  test('AUTH_PASSCODE_FILE is the passcode: its text without the newline passes, anything else is 401', async () => {
    const answer = async (credential: string) =>
      (await fetch(`${host.url}/token?identity=alice`, { headers: { authorization: `Bearer ${credential}` } })).status;
    expect(await answer(passcode)).toBe(200);
    expect(await answer(`${passcode}\\n`)).toBe(401);
    expect(await answer('correct-horse-battery')).toBe(401);
  });

  test('no value read from a file reaches the log', () => {
    expect(host.output()).not.toContain(API_SECRET);
    expect(host.output()).not.toContain(passcode);
  });
});

describe('secret files that stop start-up with one line naming the variables, never a value', () => {
  test.each<[string, () => Record<string, string>, string]>([
    ['both forms of API_SECRET', () => ({ ...twilioCredentials, API_SECRET_FILE: secretFile('both', 'another') }),
      'Set only one of API_SECRET, API_SECRET_FILE.'],
    ['both forms of AUTH_PASSCODE', () => ({ ...twilioCredentials, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, AUTH_PASSCODE_FILE: secretFile('both', passcode) }),
      'Set only one of AUTH_PASSCODE, AUTH_PASSCODE_FILE.'],
    ['API_SECRET_FILE=/dev/zero', () => ({ ...twilioIds, API_SECRET_FILE: '/dev/zero' }),
      'API_SECRET_FILE is not a regular file of at most 64 KB.'],
    ['a FIFO as AUTH_PASSCODE_FILE', () => {
      const path = join(dir, 'fifo');
      execFileSync('mkfifo', [path]);
      return { ...twilioCredentials, AUTH_MODE: 'passcode', AUTH_PASSCODE_FILE: path };
    }, 'AUTH_PASSCODE_FILE is not a regular file of at most 64 KB.'],
    ['a directory as API_SECRET_FILE', () => ({ ...twilioIds, API_SECRET_FILE: dir }),
      'API_SECRET_FILE is not a regular file of at most 64 KB.'],
    ['a 65 KB API_SECRET_FILE', () => ({ ...twilioIds, API_SECRET_FILE: secretFile('large', `${API_SECRET}${'x'.repeat(65 * 1024)}`) }),
      'API_SECRET_FILE is not a regular file of at most 64 KB.'],
  ])('%s', async (_what, env, detail) => {
    const { code, stdout, stderr } = await runNodeHostToExit(env());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: expect.any(String), event: 'host_start_failed', code: 'config_invalid', detail },
    ]);
    expect(stderr).not.toContain(API_SECRET);
    expect(stderr).not.toContain(passcode);
  });
});
