import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env } from '../../../src/core/config/env';
import { readRedisTarget } from '../../../src/core/state/redis-target';
import { problemOf } from '../../support/problem';
import { makeTestCa, TestCa } from '../../support/test-ca';

let ca: TestCa;
let otherCa: TestCa;
let dir: string;

beforeAll(() => {
  [ca, otherCa] = [makeTestCa(['redis.internal']), makeTestCa(['redis.internal'])];
  dir = mkdtempSync(join(tmpdir(), 'redis-target-'));
});
afterAll(() => {
  ca.remove();
  otherCa.remove();
});

/** A file holding `text`, for the `_FILE` variables. */
function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A PEM certificate missing its second half, armour intact. */
function truncated(pem: string): string {
  const lines = pem.trim().split('\n');
  return [...lines.slice(0, Math.ceil(lines.length / 2)), lines[lines.length - 1]].join('\n');
}

/** The refusal's code and detail, for exact comparison. */
function refusal(env: Env): { code: string; detail: string } {
  const { code, message } = problemOf(() => readRedisTarget(env));
  return { code, detail: message };
}

describe('one Redis by URL', () => {
  test('reads the URL, a password in it included', () => {
    expect(readRedisTarget({ REDIS_URL: 'redis://:pw@cache:6379/2' }))
      .toEqual({ shape: 'single', url: 'redis://:pw@cache:6379/2', auth: {} });
  });

  test('rediss:// turns TLS on, verified by the public CAs unless REDIS_CA_FILE names a private one', () => {
    expect(readRedisTarget({ REDIS_URL: 'rediss://cache.example:6380' }))
      .toEqual({ shape: 'single', url: 'rediss://cache.example:6380', auth: {}, tls: {} });
    expect(readRedisTarget({ REDIS_URL: 'rediss://10.0.0.5:6378', REDIS_CA_FILE: ca.caFile, REDIS_TLS_SERVERNAME: 'redis.internal' }))
      .toEqual({
        shape: 'single', url: 'rediss://10.0.0.5:6378', auth: {},
        tls: { ca: readFileSync(ca.caFile, 'utf8').trim(), servername: 'redis.internal' },
      });
  });

  test('REDIS_USERNAME and REDIS_PASSWORD (or REDIS_PASSWORD_FILE) for a URL without them', () => {
    expect(readRedisTarget({ REDIS_URL: 'redis://cache', REDIS_USERNAME: 'tokens', REDIS_PASSWORD: 'pw' }))
      .toEqual({ shape: 'single', url: 'redis://cache', auth: { username: 'tokens', password: 'pw' } });
    expect(readRedisTarget({ REDIS_URL: 'redis://cache', REDIS_PASSWORD_FILE: fileWith('password', 'from-a-file\n') }))
      .toEqual({ shape: 'single', url: 'redis://cache', auth: { password: 'from-a-file' } });
  });

  test.each([
    [{ REDIS_URL: 'redis://:pw@cache', REDIS_PASSWORD: 'other' }, 'Set the password in only one of REDIS_URL, REDIS_PASSWORD.'],
    [{ REDIS_URL: 'redis://tokens:pw@cache', REDIS_USERNAME: 'other' }, 'Set the user in only one of REDIS_URL, REDIS_USERNAME.'],
    [{ REDIS_URL: 'redis://cache', REDIS_TLS: 'true' }, 'REDIS_TLS is only for REDIS_SENTINELS and REDIS_CLUSTER_NODES; with REDIS_URL, a rediss:// URL turns TLS on.'],
    [{ REDIS_URL: 'redis://cache', REDIS_CA_FILE: '/etc/ssl/redis-ca.pem' }, 'REDIS_CA_FILE needs TLS: a rediss:// REDIS_URL.'],
    [{ REDIS_URL: 'redis://cache', REDIS_TLS_SERVERNAME: 'cache.example' }, 'REDIS_TLS_SERVERNAME needs TLS: a rediss:// REDIS_URL.'],
    [{ REDIS_URL: 'redis://cache', REDIS_SENTINEL_MASTER: 'tokens' }, 'REDIS_SENTINEL_MASTER is only for REDIS_SENTINELS.'],
  ])('refuses %p, naming the variables', (env, detail) => {
    expect(refusal(env)).toEqual({ code: 'config_invalid', detail });
  });

  test.each(['http://:secret-pw@cache:6379', 'cache:6379', 'redis://', 'REDIS://:secret-pw@cache'])(
    'refuses REDIS_URL %p without repeating it', (url) => {
      expect(refusal({ REDIS_URL: url })).toEqual({ code: 'config_invalid', detail: 'REDIS_URL is not a redis:// or rediss:// URL.' });
    });
});

describe('Sentinel', () => {
  test('reads the Sentinels (26379 unless a port is given), the master\'s name and both sets of credentials', () => {
    expect(readRedisTarget({
      REDIS_SENTINELS: 'sentinel-a:26380, sentinel-b,10.0.0.7:5000,[fd00::7]:26381',
      REDIS_SENTINEL_MASTER: 'tokens',
      REDIS_PASSWORD: 'data-pw',
      REDIS_SENTINEL_USERNAME: 'watcher',
      REDIS_SENTINEL_PASSWORD_FILE: fileWith('sentinel-password', 'sentinel-pw\n'),
    })).toEqual({
      shape: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26380 }, { host: 'sentinel-b', port: 26379 },
        { host: '10.0.0.7', port: 5000 }, { host: 'fd00::7', port: 26381 },
      ],
      masterName: 'tokens',
      auth: { password: 'data-pw' },
      sentinelAuth: { username: 'watcher', password: 'sentinel-pw' },
    });
  });

  test('REDIS_TLS=true turns TLS on, with REDIS_CA_FILE and REDIS_TLS_SERVERNAME', () => {
    expect(readRedisTarget({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'tokens', REDIS_TLS: 'true', REDIS_CA_FILE: ca.caFile }))
      .toMatchObject({ shape: 'sentinel', tls: { ca: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n[^]+-----END CERTIFICATE-----$/) } });
  });

  test.each([
    [{ REDIS_SENTINELS: 's1' }, 'config_missing', 'Set REDIS_SENTINEL_MASTER (the master\'s name in Sentinel) with REDIS_SENTINELS.'],
    [{ REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'my master' }, 'config_invalid', 'REDIS_SENTINEL_MASTER is not a master name (printable characters, no spaces).'],
    [{ REDIS_SENTINELS: 's1:0', REDIS_SENTINEL_MASTER: 'm' }, 'config_invalid', 'REDIS_SENTINELS is not a comma-separated list of host:port.'],
    [{ REDIS_SENTINELS: 'redis://s1:26379', REDIS_SENTINEL_MASTER: 'm' }, 'config_invalid', 'REDIS_SENTINELS is not a comma-separated list of host:port.'],
    [{ REDIS_SENTINELS: ',', REDIS_SENTINEL_MASTER: 'm' }, 'config_invalid', 'REDIS_SENTINELS is not a comma-separated list of host:port.'],
    [{ REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'm', REDIS_SENTINEL_PASSWORD: 'a', REDIS_SENTINEL_PASSWORD_FILE: '/run/secrets/x' },
      'config_invalid', 'Set only one of REDIS_SENTINEL_PASSWORD, REDIS_SENTINEL_PASSWORD_FILE.'],
    [{ REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'm', REDIS_CA_FILE: '/etc/ssl/ca.pem' }, 'config_invalid', 'REDIS_CA_FILE needs TLS: REDIS_TLS=true.'],
  ])('refuses %p', (env, code, detail) => {
    expect(refusal(env)).toEqual({ code, detail });
  });
});

describe('Cluster', () => {
  test('reads the seed nodes (6379 unless a port is given), credentials and TLS', () => {
    expect(readRedisTarget({ REDIS_CLUSTER_NODES: 'node-0:7000,node-1', REDIS_PASSWORD: 'pw', REDIS_TLS: '1', REDIS_TLS_SERVERNAME: 'cache.example.net' }))
      .toEqual({
        shape: 'cluster', nodes: [{ host: 'node-0', port: 7000 }, { host: 'node-1', port: 6379 }],
        auth: { password: 'pw' }, tls: { servername: 'cache.example.net' },
      });
  });

  test('REDIS_SENTINEL_PASSWORD means nothing to a cluster, and saying so beats ignoring it', () => {
    expect(refusal({ REDIS_CLUSTER_NODES: 'node-0', REDIS_SENTINEL_PASSWORD: 'pw' }))
      .toEqual({ code: 'config_invalid', detail: 'REDIS_SENTINEL_PASSWORD is only for REDIS_SENTINELS.' });
  });
});

describe('where Redis is', () => {
  test('none of the three is a missing setting, naming all three', () => {
    expect(refusal({})).toEqual({ code: 'config_missing', detail: 'Set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES for STATE_STORE=redis.' });
  });

  test('more than one is refused, naming those set', () => {
    expect(refusal({ REDIS_URL: 'redis://cache', REDIS_CLUSTER_NODES: 'node-0' }))
      .toEqual({ code: 'config_invalid', detail: 'Set only one of REDIS_URL, REDIS_CLUSTER_NODES.' });
    expect(refusal({ REDIS_URL: 'redis://cache', REDIS_SENTINELS: 's1', REDIS_CLUSTER_NODES: 'node-0' }))
      .toEqual({ code: 'config_invalid', detail: 'Set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES.' });
  });
});

describe('TLS settings', () => {
  test('REDIS_CA_FILE may hold several certificates (a CA being rotated), and keeps only them', () => {
    const current = readFileSync(ca.caFile, 'utf8').trim();
    const next = readFileSync(otherCa.caFile, 'utf8').trim();
    const bundle = fileWith('bundle.pem', `# Memorystore's two CAs\n${current}\n\n${next}\n`);
    expect(readRedisTarget({ REDIS_URL: 'rediss://cache', REDIS_CA_FILE: bundle }).tls).toEqual({ ca: `${current}\n${next}` });
  });

  test.each([
    ['a missing file', () => join(dir, 'absent.pem'), 'REDIS_CA_FILE is not a readable file.'],
    ['a directory', () => dir, 'REDIS_CA_FILE is not a regular file of at most 64 KB.'],
    ['a file of more than 64 KB', () => fileWith('big.pem', 'x'.repeat(64 * 1024 + 1)), 'REDIS_CA_FILE is not a regular file of at most 64 KB.'],
    ['a private key', () => ca.keyFile, 'REDIS_CA_FILE is not a file of PEM certificates.'],
    ['a truncated certificate', () => fileWith('truncated.pem', truncated(readFileSync(ca.caFile, 'utf8'))),
      'REDIS_CA_FILE is not a file of PEM certificates.'],
  ])('refuses %s as REDIS_CA_FILE', (_, path, detail) => {
    expect(refusal({ REDIS_URL: 'rediss://cache', REDIS_CA_FILE: path() })).toEqual({ code: 'config_invalid', detail });
  });

  test.each(['10.0.0.5', 'cache example', '-cache.example', 'cache..example'])('refuses REDIS_TLS_SERVERNAME %p: SNI carries a DNS name', (name) => {
    expect(refusal({ REDIS_URL: 'rediss://cache', REDIS_TLS_SERVERNAME: name }))
      .toEqual({ code: 'config_invalid', detail: 'REDIS_TLS_SERVERNAME is not a DNS name.' });
  });

  test('REDIS_TLS must say true or false', () => {
    expect(refusal({ REDIS_CLUSTER_NODES: 'node-0', REDIS_TLS: 'yes' })).toEqual({ code: 'config_invalid', detail: 'REDIS_TLS is not true or false.' });
  });
});
