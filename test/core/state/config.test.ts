import { openStateStore, readStateConfig } from '../../../src/core/state/config';
import { MemoryStore } from '../../../src/core/state/memory-store';
import { RedisStore } from '../../../src/core/state/redis-store';
import { packagesLoadedBy } from '../../support/module-loads';
import { problemOf } from '../../support/problem';
import { startRedis, stopRedis } from '../../support/redis';

describe('readStateConfig', () => {
  test('defaults to the in-process store', () => {
    expect(readStateConfig({})).toEqual({ kind: 'memory' });
    expect(readStateConfig({ STATE_STORE: ' ', REDIS_URL: 'redis://cache:6379' })).toEqual({ kind: 'memory' });
  });

  test('reads Redis with the default prefix', () => {
    expect(readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://:pw@cache:6379/2' })).toEqual({
      kind: 'redis', target: { shape: 'single', url: 'redis://:pw@cache:6379/2', auth: {} }, prefix: 'rtc-token-service:', timeoutMs: 1000,
    });
  });

  test('accepts a custom prefix, any shape of Redis, and STATE_STORE in any case', () => {
    expect(readStateConfig({ STATE_STORE: 'Redis', REDIS_CLUSTER_NODES: 'node-0:7000', STATE_PREFIX: 'tokens-eu:' })).toEqual({
      kind: 'redis', target: { shape: 'cluster', nodes: [{ host: 'node-0', port: 7000 }], auth: {} }, prefix: 'tokens-eu:', timeoutMs: 1000,
    });
  });

  test('names an unknown STATE_STORE', () => {
    expect(problemOf(() => readStateConfig({ STATE_STORE: 'memcached' })))
      .toMatchObject({ code: 'config_invalid', message: 'STATE_STORE is not memory or redis.' });
  });

  test('requires where Redis is', () => {
    expect(problemOf(() => readStateConfig({ STATE_STORE: 'redis' }))).toMatchObject({
      code: 'config_missing', message: 'Set one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES for STATE_STORE=redis.',
    });
  });

  test('reads the deadline of a store operation in milliseconds', () => {
    expect(readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache', STATE_TIMEOUT_MS: '10000' }))
      .toMatchObject({ kind: 'redis', timeoutMs: 10_000 });
  });

  test.each(['49', '10001', '1.5', '1s'])('refuses STATE_TIMEOUT_MS=%p', (value) => {
    expect(problemOf(() => readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache', STATE_TIMEOUT_MS: value })))
      .toMatchObject({ code: 'config_invalid', message: 'STATE_TIMEOUT_MS is not a whole number of milliseconds between 50 and 10000.' });
  });

  test('refuses a prefix with spaces', () => {
    expect(problemOf(() => readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache', STATE_PREFIX: 'my app:' })))
      .toMatchObject({ code: 'config_invalid', message: 'STATE_PREFIX is not at most 100 printable ASCII characters without spaces.' });
  });
});

describe('openStateStore', () => {
  test('opens the in-process store for memory', async () => {
    const store = openStateStore({ kind: 'memory' });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  test('opens a Redis store with the configured prefix', async () => {
    const redis = await startRedis();
    const store = openStateStore({ kind: 'redis', target: { shape: 'single', url: redis.url, auth: {} }, prefix: 'tokens-eu:', timeoutMs: 1000 });
    try {
      expect(store).toBeInstanceOf(RedisStore);
      await store.setIfAbsent('room:standup', 'session-1', 60);
      expect((store as RedisStore).prefix).toBe('tokens-eu:');
      expect(await (store as RedisStore).run((client) => client.keys('*'))).toEqual(['tokens-eu:room:standup']);
    } finally {
      await store.close();
      await stopRedis(redis);
    }
  });
});

describe('loading', () => {
  test('importing the state modules and opening the in-process store loads no Redis client', async () => {
    expect(await packagesLoadedBy('src/core/state/config.ts', `
      const store = exported.openStateStore(exported.readStateConfig({}));
      await store.setIfAbsent('room:standup', 'session-1', 60);`)).toEqual([]);
  });

  test('opening a Redis store loads ioredis', async () => {
    expect(await packagesLoadedBy('src/core/state/config.ts', `
      const store = exported.openStateStore({ kind: 'redis', target: { shape: 'single', url: 'redis://127.0.0.1:1', auth: {} }, prefix: 'p:', timeoutMs: 1000 });
      await store.close();`)).toContain('ioredis');
  });
});
