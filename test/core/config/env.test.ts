import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems, loadConfig, use } from '../../../src/core/config/config';
import { isSet, readVar, secretSource } from '../../../src/core/config/env';
import { twilioCredentials } from '../../support/fixtures';
import { refusalOf } from '../../support/problem';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'secrets-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file holding `text`, as a container platform mounts a secret. */
function secretFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe('readVar with a secret in a file', () => {
  test.each(['API_SECRET', 'AUTH_PASSCODE', 'AUTH_JWT_SECRET', 'METRICS_TOKEN', 'REDIS_URL', 'VONAGE_PRIVATE_KEY'])(
    '%s_FILE names a file whose text, without its trailing newline, is the value',
    (name) => {
      expect(readVar({ [`${name}_FILE`]: secretFile('secret', 'correct horse battery\n') }, name)).toBe('correct horse battery');
    },
  );

  test('VONAGE_PRIVATE_KEY_PATH is the same as VONAGE_PRIVATE_KEY_FILE', () => {
    expect(readVar({ VONAGE_PRIVATE_KEY_PATH: secretFile('key', 'pem text\r\n') }, 'VONAGE_PRIVATE_KEY')).toBe('pem text');
  });

  test('a variable that is no secret has no _FILE form', () => {
    expect(readVar({ TOKEN_TTL_FILE: secretFile('ttl', '600') }, 'TOKEN_TTL')).toBeUndefined();
  });

  test('a blank _FILE counts as unset, as a blank variable does', () => {
    expect(readVar({ API_SECRET: 'inline', API_SECRET_FILE: '  ' }, 'API_SECRET')).toBe('inline');
  });

  test.each([
    [{ API_SECRET: 'inline', API_SECRET_FILE: '/run/secrets/api-secret' }, 'API_SECRET', 'Set only one of API_SECRET, API_SECRET_FILE.'],
    [{ VONAGE_PRIVATE_KEY_FILE: '/a', VONAGE_PRIVATE_KEY_PATH: '/b' }, 'VONAGE_PRIVATE_KEY', 'Set only one of VONAGE_PRIVATE_KEY_FILE, VONAGE_PRIVATE_KEY_PATH.'],
  ])('both forms set is config_invalid naming both, before any file is read', (env, name, detail) => {
    expect(refusalOf(() => readVar(env, name))).toEqual({ code: 'config_invalid', status: 500, detail });
  });

  test('an empty file is config_invalid naming the _FILE variable', () => {
    expect(refusalOf(() => readVar({ AUTH_PASSCODE_FILE: secretFile('empty', '\n') }, 'AUTH_PASSCODE'))).toEqual({
      code: 'config_invalid', status: 500, detail: 'AUTH_PASSCODE_FILE is not a file holding a value.',
    });
  });

  test.each<[string, () => string, string]>([
    ['/dev/zero', () => '/dev/zero', 'a regular file of at most 64 KB'],
    ['a FIFO, without waiting for a writer', () => {
      const path = join(dir, 'fifo');
      execFileSync('mkfifo', [path]);
      return path;
    }, 'a regular file of at most 64 KB'],
    ['a directory', () => dir, 'a regular file of at most 64 KB'],
    ['a file over 64 KB', () => secretFile('huge', 's'.repeat(64 * 1024 + 1)), 'a regular file of at most 64 KB'],
    ['a path that does not exist', () => join(dir, 'missing'), 'a readable file'],
  ])('refuses %s, naming the variable and nothing it holds', (_what, path, expected) => {
    expect(refusalOf(() => readVar({ API_SECRET_FILE: path() }, 'API_SECRET'))).toEqual({
      code: 'config_invalid', status: 500, detail: `API_SECRET_FILE is not ${expected}.`,
    });
  });
});

describe('isSet and secretSource', () => {
  test('a secret given as a file is set, and its file variable is its source; nothing is read', () => {
    const env = { API_SECRET_FILE: '/dev/zero' };
    expect(isSet(env, 'API_SECRET')).toBe(true);
    expect(secretSource(env, 'API_SECRET')).toBe('API_SECRET_FILE');
    expect(isSet({}, 'API_SECRET')).toBe(false);
    expect(secretSource({ API_SECRET: 'inline' }, 'API_SECRET')).toBe('API_SECRET');
  });
});

describe('loadConfig with secrets in files', () => {
  test('every reader gets the value from the file', () => {
    const config = loadConfig({
      ACCOUNT_SID: twilioCredentials.ACCOUNT_SID, API_KEY: twilioCredentials.API_KEY,
      API_SECRET_FILE: secretFile('api-secret', `${twilioCredentials.API_SECRET}\n`),
      AUTH_MODE: 'passcode', AUTH_PASSCODE_FILE: secretFile('passcode', 'correct horse battery\n'),
      STATE_STORE: 'redis', REDIS_URL_FILE: secretFile('redis-url', 'redis://:pass@cache:6379\n'),
    });
    expect(config.vendors).toEqual(['twilio']);
    expect(use(config.twilio).rest.apiSecret).toBe(twilioCredentials.API_SECRET);
    expect(use(config.auth)).toEqual({ mode: 'passcode', passcode: 'correct horse battery' });
    expect(use(config.state)).toEqual({
      kind: 'redis', target: { shape: 'single', url: 'redis://:pass@cache:6379', auth: {} }, prefix: 'rtc-token-service:', timeoutMs: 1000,
    });
    const sentinel = loadConfig({
      STATE_STORE: 'redis', REDIS_SENTINELS: 'sentinel-a', REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_PASSWORD_FILE: secretFile('redis-password', 'data-pw\n'), REDIS_SENTINEL_PASSWORD_FILE: secretFile('sentinel-password', 'sentinel-pw\n'),
    });
    expect(use(sentinel.state)).toMatchObject({ target: { auth: { password: 'data-pw' }, sentinelAuth: { password: 'sentinel-pw' } } });
  });

  test('both forms set: the part that needs the secret holds the problem, and loadConfig still returns', () => {
    const config = loadConfig({ ...twilioCredentials, API_SECRET_FILE: secretFile('api-secret', 'other') });
    expect(config.vendors).toEqual(['twilio']);
    expect(configProblems(config).map((problem) => problem.message)).toEqual(['Set only one of API_SECRET, API_SECRET_FILE.']);
  });

  test('a hostile file is a problem of its part only: a /dev/zero API_SECRET_FILE still sets Twilio up', () => {
    const config = loadConfig({ ACCOUNT_SID: twilioCredentials.ACCOUNT_SID, API_KEY: twilioCredentials.API_KEY, API_SECRET_FILE: '/dev/zero' });
    expect(config.vendors).toEqual(['twilio']);
    expect(configProblems(config).map((problem) => problem.message)).toEqual(['API_SECRET_FILE is not a regular file of at most 64 KB.']);
  });

  test("a value from a file that breaks its rule is named by the file's variable", () => {
    const config = loadConfig({ AUTH_MODE: 'passcode', AUTH_PASSCODE_FILE: secretFile('passcode', 'short\n') });
    expect(() => use(config.auth)).toThrow('AUTH_PASSCODE_FILE is not at least 8 characters.');
  });
});
