import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthMode, authModes } from '../../src/core/auth/config';
import { configProblems, loadConfig, ReadAsset } from '../../src/core/config/config';
import { Env } from '../../src/core/config/env';
import { readHostConfig } from '../../src/hosts/node/host-config';
import { fullTwilioEnv, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { root } from '../support/server';
import { makeTestCa, TestCa } from '../support/test-ca';

/** A CA file for REDIS_CA_FILE, which must hold a certificate to be read past its checks. */
let redisCa: TestCa;
beforeAll(() => {
  redisCa = makeTestCa(['redis.internal']);
});
afterAll(() => redisCa.remove());

/** Every name `read` looks up in the environment it is given, set or not. */
function namesRead(env: Env, read: (env: Env) => unknown): Set<string> {
  const names = new Set<string>();
  read(new Proxy(env, {
    get(target, name, receiver) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name, receiver);
    },
  }));
  return names;
}

/** What each AUTH_MODE needs to load; a new mode is a type error here until the walk covers it. */
const authSetups: Record<AuthMode, Env[]> = {
  none: [{}],
  passcode: [{ AUTH_PASSCODE: 'correct horse battery' }],
  jwt: [
    { AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example/', AUTH_AUDIENCE: 'tokens' },
    { AUTH_JWT_SECRET: 'a-session-secret-of-at-least-32-bytes!' },
  ],
  vonage: [{ ...vonageEnv(), AUTH_AUDIENCE: 'https://tokens.example.com' }],
};

/**
 * Configurations that together take every branch that reads a variable: each AUTH_MODE, each
 * shape of Redis with TLS, both vendors set up, and each source of the Vonage key (inline, a
 * file, the private asset).
 */
function walk(): Array<{ env: Env; readAsset?: ReadAsset }> {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'docs-config-')), 'private.key');
  writeFileSync(keyFile, vonageKeys().privatePem);
  const asAsset: ReadAsset = (path) => (path === '/vonage-private.key' ? vonageKeys().privatePem : undefined);
  return [
    { env: {} },
    { env: { ...fullTwilioEnv, ...vonageEnv() } },
    { env: { VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY_PATH: keyFile } },
    { env: { VONAGE_APPLICATION_ID: vonageApplicationId }, readAsset: asAsset },
    { env: { ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' } },
    { env: { ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_URL: 'rediss://redis.internal:6380', REDIS_CA_FILE: redisCa.caFile } },
    {
      env: {
        ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_SENTINELS: 'sentinel-a,sentinel-b', REDIS_SENTINEL_MASTER: 'mymaster',
        REDIS_TLS: 'true', REDIS_TLS_SERVERNAME: 'redis.internal',
      },
    },
    { env: { ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1:6379' } },
    ...authModes.flatMap((mode) => authSetups[mode].map((setup) => ({ env: { ...fullTwilioEnv, AUTH_MODE: mode, ...setup } }))),
  ];
}

function variablesTheCodeReads(): string[] {
  const names = new Set<string>();
  for (const { env, readAsset } of walk()) {
    namesRead(env, (recorded) => loadConfig(recorded, readAsset)).forEach((name) => names.add(name));
  }
  namesRead({}, readHostConfig).forEach((name) => names.add(name));
  return [...names].sort();
}

const text = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the configuration reference', () => {
  test('every configuration the walk uses loads without a problem, so each branch it aims at runs', () => {
    const problems = walk().flatMap(({ env, readAsset }) => configProblems(loadConfig(env, readAsset)).map((problem) => problem.message));
    expect(problems).toEqual([]);
  });

  test('docs/configuration.md documents every variable loadConfig and the Node host read', () => {
    const page = text('docs/configuration.md');
    const undocumented = variablesTheCodeReads().filter((name) => !page.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  test('.env.example names every variable loadConfig and the Node host read', () => {
    const example = text('.env.example');
    const missing = variablesTheCodeReads().filter((name) => !new RegExp(`\\b${name}\\b`).test(example));
    expect(missing).toEqual([]);
  });
});
