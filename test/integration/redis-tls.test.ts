import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { answer } from '../support/answer';
import { fullTwilioEnv } from '../support/fixtures';
import { RedisServer, startRedis } from '../support/redis';
import { logLines, RunningServer, startNodeHost } from '../support/server';
import { makeTestCa, TestCa } from '../support/test-ca';
import { until } from '../support/wait';

const password = 'tls-redis-secret';

describe('a host on rediss:// with a private CA', () => {
  let ca: TestCa;
  let otherCa: TestCa;
  let redis: RedisServer;
  let trusting: RunningServer;
  let mistrusting: RunningServer;

  beforeAll(async () => {
    [ca, otherCa] = [makeTestCa(['127.0.0.1']), makeTestCa(['127.0.0.1'])];
    redis = await startRedis({ tls: ca, password });
    const env = { ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT_IDENTITY: '5', RATE_LIMIT_IP: '0' };
    [trusting, mistrusting] = await Promise.all([
      startNodeHost({ ...env, REDIS_CA_FILE: ca.caFile }),
      startNodeHost({ ...env, REDIS_CA_FILE: otherCa.caFile }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([trusting?.stop(), mistrusting?.stop()]);
    await redis?.stop();
    ca?.remove();
    otherCa?.remove();
  });

  test('issues tokens, counting its limit in Redis over TLS, and is ready', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await answer(`${trusting.url}/token?identity=alice`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const raw = new Redis(redis.url, { tls: { ca: readFileSync(ca.caFile) } });
    try {
      expect(await raw.get('rtc-token-service:limit:identity:alice')).toBe('6');
      expect(await raw.ttl('rtc-token-service:limit:identity:alice')).toBeGreaterThan(0);
    } finally {
      raw.disconnect();
    }
    expect((await fetch(`${trusting.url}/_/ready`)).status).toBe(200);
    expect(logLines(trusting, 'state_store_down')).toEqual([]);
  });

  test('trusting another CA, the store cannot be reached: state_unavailable, readiness says so, and nothing leaks', async () => {
    const token = await answer(`${mistrusting.url}/token?identity=alice`);
    expect({ status: token.status, code: token.code, token: token.token, retryAfter: token.headers.get('retry-after') })
      .toEqual({ status: 503, code: 'state_unavailable', token: undefined, retryAfter: '5' });
    const ready = await answer(`${mistrusting.url}/_/ready`);
    expect({ status: ready.status, code: ready.code, retryAfter: ready.headers.get('retry-after') })
      .toEqual({ status: 503, code: 'state_unavailable', retryAfter: '5' });
    // Said once, at start-up, with the verification error's code, however often it reconnects.
    await until(() => logLines(mistrusting, 'state_store_down').length > 0, 'the host says the store is down', 15_000, mistrusting.output);
    expect(logLines(mistrusting, 'state_store_down')).toEqual([
      { time: expect.any(String), level: 'warn', event: 'state_store_down', store: 'redis', reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    ]);
    expect(mistrusting.output()).not.toContain(password);
    expect((await fetch(`${mistrusting.url}/_/health`)).status).toBe(200);
  });
});
