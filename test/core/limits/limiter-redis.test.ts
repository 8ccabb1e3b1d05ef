import { Redis } from 'ioredis';
import { LimitsConfig } from '../../../src/core/limits/config';
import { createLimiter, Limiter } from '../../../src/core/limits/limiter';
import { Problem } from '../../../src/core/problem';
import { openRedisStore, RedisStore } from '../../../src/core/state/redis-store';
import { RedisServer, startRedis, stopRedis } from '../../support/redis';

const limits: LimitsConfig = { identityPerMinute: 4, ipPerMinute: 4, authFailuresPer15Min: 3, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 };
const prefix = 'limits-test:';
const alice = '198.51.100.7';

let redis: RedisServer;
let raw: Redis;
let stores: RedisStore[];
/** Two limiters, each on its own connection: two replicas of the service. */
let replicas: Limiter[];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  raw.on('error', () => undefined);
  await raw.connect();
});
beforeEach(async () => {
  await raw.flushall();
  stores = [openRedisStore({ url: redis.url, prefix }), openRedisStore({ url: redis.url, prefix })];
  replicas = stores.map((store) => createLimiter(limits, store));
});
afterEach(() => Promise.all(stores.map((store) => store.close())));
afterAll(async () => {
  await raw.quit();
  await stopRedis(redis);
});

/** The `"name";r=N` part of a RateLimit member; `t` follows Redis's clock, which the test cannot freeze. */
function remaining(rateLimit: string | undefined): string | undefined {
  return rateLimit?.replace(/;t=\d+$/, '');
}

describe('the limiter on Redis', () => {
  test('two replicas share one budget per address: N answers in all, then 429 on either', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await replicas[i % 2].checkIp(alice));
    expect(statuses.map((status) => remaining(status?.rateLimit))).toEqual(['"ip";r=3', '"ip";r=2', '"ip";r=1', '"ip";r=0']);
    for (const replica of replicas) {
      const problem = await replica.checkIp(alice).then(() => undefined, (error: Problem) => error);
      expect(problem).toMatchObject({ code: 'rate_limited', status: 429 });
      const retryAfter = Number(problem!.headers['Retry-After']);
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(problem!.headers).toEqual({
        'Retry-After': String(retryAfter),
        'RateLimit-Policy': '"ip";q=4;w=60',
        RateLimit: `"ip";r=0;t=${retryAfter}`,
      });
    }
  });

  test('concurrent requests on both replicas are each counted once', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => replicas[i % 2].consumeIdentity('alice')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(4);
    for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited' });
    }
  });

  test('failed authentications count across replicas, and a released reservation gives its failure back', async () => {
    const release = await replicas[0].reserveAuthFailure(alice);
    await release();
    await replicas[0].reserveAuthFailure(alice);
    await replicas[1].reserveAuthFailure(alice);
    await replicas[0].reserveAuthFailure(alice);
    await expect(replicas[1].reserveAuthFailure(alice)).rejects.toMatchObject({
      code: 'rate_limited', headers: expect.objectContaining({ 'RateLimit-Policy': '"auth-failures";q=3;w=900' }),
    });
  });

  test('keys carry the store prefix and the limit\'s name, and expire with the window', async () => {
    await replicas[0].checkIp(alice);
    await replicas[0].checkIp('2001:db8:0:1::a');
    await replicas[0].consumeIdentity('alice');
    await replicas[0].reserveAuthFailure(alice);
    const keys = (await raw.keys('*')).sort();
    expect(keys).toEqual([
      `${prefix}limit:auth-failures:${alice}`,
      `${prefix}limit:identity:alice`,
      `${prefix}limit:ip:${alice}`,
      `${prefix}limit:ip:2001:db8:0:1::/64`,
    ]);
    for (const key of keys) {
      const ttl = await raw.ttl(key);
      const window = key.includes(':auth-failures:') ? 900 : 60;
      expect(ttl).toBeGreaterThan(window - 5);
      expect(ttl).toBeLessThanOrEqual(window);
    }
  });

  test('Redis stopped: state_unavailable within the deadline, never a 429; restarted: limits count again', async () => {
    await redis.stop();
    try {
      for (const check of [() => replicas[0].checkIp(alice), () => replicas[0].consumeIdentity('alice'), () => replicas[0].reserveAuthFailure(alice)]) {
        const started = performance.now();
        const problem = await check().then(() => undefined, (error: unknown) => error);
        expect(performance.now() - started).toBeLessThan(1500);
        expect(problem).toBeInstanceOf(Problem);
        expect(problem).toMatchObject({ code: 'state_unavailable', status: 503 });
      }
    } finally {
      await redis.restart();
    }
    const deadline = Date.now() + 10_000;
    let status = await replicas[0].checkIp(alice).catch(() => undefined);
    while (status === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await replicas[0].checkIp(alice).catch(() => undefined);
    }
    expect(remaining(status?.rateLimit)).toBe('"ip";r=3');
  });
});
