import { Redis } from 'ioredis';
import { Problem } from '../../../src/core/problem';
import type { StoreHealthEvent } from '../../../src/core/state/health';
import { openRedisStore, RedisStore } from '../../../src/core/state/redis-store';
import { RedisServer, startRedis, stopRedis } from '../../support/redis';
import { freePort } from '../../support/server';
import { eventually } from '../../support/wait';

const password = 'redis-test-secret';
const prefix = 'test-prefix:';

let redis: RedisServer;
/** A plain client that looks at what the store wrote. */
let raw: Redis;
const stores: RedisStore[] = [];

/** A store on the shared server, closed after the test. */
function openStore(url = redis.url, options: { timeoutMs?: number; onHealth?: (event: StoreHealthEvent) => void } = {}): RedisStore {
  const store = openRedisStore({ url, prefix, ...options });
  stores.push(store);
  return store;
}

/** Waits until `condition` holds, for up to 10 s: connection events arrive in their own time. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  redis = await startRedis({ password });
  raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  raw.on('error', () => undefined);
  await raw.connect();
});
beforeEach(() => raw.flushall());
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await raw.quit();
  await stopRedis(redis);
});

/** The rejection of `promise`, and how long it took to arrive. */
async function rejectionOf(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  const error = await promise.then(() => undefined, (rejection: unknown) => rejection);
  return { error, elapsedMs: performance.now() - started };
}

/** The state_unavailable problem, within the 1 s deadline plus scheduling slack, naming no address or password. */
function expectUnavailable({ error, elapsedMs }: { error: unknown; elapsedMs: number }, port: number): void {
  expect(error).toBeInstanceOf(Problem);
  expect(error).toMatchObject({ code: 'state_unavailable', status: 503 });
  const detail = (error as Problem).message;
  expect(detail).not.toContain(password);
  expect(detail).not.toContain(String(port));
  expect(detail).not.toContain('127.0.0.1');
  expect(elapsedMs).toBeLessThan(1500);
}

describe('RedisStore on a real redis-server', () => {
  test('writes keys under its prefix, each with the TTL it was given', async () => {
    const store = openStore();
    expect(await store.setIfAbsent('room:standup', 'session-1', 600)).toBe('session-1');
    expect(await store.increment('count:alice', 60)).toBe(1);
    expect((await raw.keys('*')).sort()).toEqual([`${prefix}count:alice`, `${prefix}room:standup`]);
    expect(await raw.get(`${prefix}room:standup`)).toBe('session-1');
    expect(await raw.ttl(`${prefix}room:standup`)).toBeGreaterThan(595);
    expect(await raw.ttl(`${prefix}room:standup`)).toBeLessThanOrEqual(600);
    expect(await raw.ttl(`${prefix}count:alice`)).toBeGreaterThan(55);
    expect(await raw.ttl(`${prefix}count:alice`)).toBeLessThanOrEqual(60);
  });

  test('uses rtc-token-service: as the prefix by default', async () => {
    const store = openRedisStore({ url: redis.url });
    stores.push(store);
    await store.setIfAbsent('room:standup', 'session-1', 60);
    expect(await raw.keys('*')).toEqual(['rtc-token-service:room:standup']);
  });

  test('get answers a stored value, and undefined for a key never written', async () => {
    const store = openStore();
    await store.setIfAbsent('room:standup', 'session-1', 60);
    expect(await store.get('room:standup')).toBe('session-1');
    expect(await store.get('room:none')).toBeUndefined();
  });

  test('setIfAbsent across two stores (two replicas) ends with one winner every caller sees', async () => {
    const replicas = [openStore(), openStore()];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      replicas[i % 2].setIfAbsent('room:standup', `session-${i}`, 60)));
    const stored = await raw.get(`${prefix}room:standup`);
    expect(stored).toMatch(/^session-\d+$/);
    expect(answers).toEqual(Array(20).fill(stored));
  });

  test('increment across two stores counts every call once', async () => {
    const replicas = [openStore(), openStore()];
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % 2].increment('count:alice', 60)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('a counter keeps the expiry it was created with', async () => {
    const store = openStore();
    await store.increment('count:alice', 60);
    await raw.expire(`${prefix}count:alice`, 5);
    expect(await store.increment('count:alice', 60)).toBe(2);
    expect(await raw.ttl(`${prefix}count:alice`)).toBeLessThanOrEqual(5);
  });

  test('a counter found without a TTL gets one', async () => {
    const store = openStore();
    await raw.set(`${prefix}count:alice`, '7');
    expect(await store.increment('count:alice', 60)).toBe(8);
    expect(await raw.ttl(`${prefix}count:alice`)).toBeGreaterThan(55);
  });

  test('refuses a TTL that is not a whole number of seconds of at least 1, writing nothing', async () => {
    const store = openStore();
    const refusal = new RangeError('ttlSeconds must be a whole number of seconds, at least 1.');
    await expect(store.setIfAbsent('room:standup', 'session-1', 0)).rejects.toThrow(refusal);
    await expect(store.increment('count:alice', 1.5)).rejects.toThrow(refusal);
    expect(await raw.keys('*')).toEqual([]);
  });

  test('ping answers true while Redis answers', async () => {
    expect(await openStore().ping()).toBe(true);
  });

  test('Redis stopped: state_unavailable within the deadline, and nothing refused lands later; restarted: the same store works again', async () => {
    const store = openStore();
    await store.setIfAbsent('room:standup', 'session-1', 60);
    await redis.stop();
    try {
      expectUnavailable(await rejectionOf(store.get('room:standup')), redis.port);
      expectUnavailable(await rejectionOf(store.setIfAbsent('room:standup', 'session-2', 60)), redis.port);
      expectUnavailable(await rejectionOf(store.increment('count:alice', 60)), redis.port);
      expect(await store.ping()).toBe(false);
    } finally {
      await redis.restart();
    }
    // The restarted server starts empty (no persistence): session-3 wins only if the write refused
    // with state_unavailable during the outage (session-2) did not land once Redis came back.
    expect(await eventually(() => store.setIfAbsent('room:standup', 'session-3', 60))).toBe('session-3');
    expect(await store.ping()).toBe(true);
  });

  test('Redis unreachable from the start: state_unavailable, then service once a server listens', async () => {
    const port = await freePort();
    const store = openStore(`redis://127.0.0.1:${port}`);
    expectUnavailable(await rejectionOf(store.get('room:standup')), port);
    expect(await store.ping()).toBe(false);
    const late = await startRedis({ port });
    try {
      expect(await eventually(() => store.setIfAbsent('room:standup', 'session-1', 60))).toBe('session-1');
    } finally {
      await store.close();
      await stopRedis(late);
    }
  });

  test('a wrong password is state_unavailable, and the detail does not repeat it', async () => {
    const store = openStore(`redis://:not-the-${password}@127.0.0.1:${redis.port}`);
    const rejection = await rejectionOf(store.get('room:standup'));
    expectUnavailable(rejection, redis.port);
    expect((rejection.error as Problem).message).not.toContain(`not-the-${password}`);
  });

  test('after close, operations reject with state_unavailable and close can be called again', async () => {
    const store = openStore();
    await store.ping();
    await store.close();
    await expect(store.get('room:standup')).rejects.toMatchObject({ code: 'state_unavailable', message: 'The shared state store is closed.' });
    expect(await store.ping()).toBe(false);
    await store.close();
  });
});

describe('RedisStore health', () => {
  /** Far beyond any refusal, so an answer in a tenth of it cannot have waited for it. */
  const longDeadlineMs = 10_000;

  test('a refused connection is state_unavailable at once, long before the deadline, from the first operation on', async () => {
    const port = await freePort();
    const store = openStore(`redis://127.0.0.1:${port}`, { timeoutMs: longDeadlineMs });
    for (let attempt = 0; attempt < 3; attempt++) {
      const { error, elapsedMs } = await rejectionOf(store.get('room:standup'));
      expect(error).toMatchObject({ code: 'state_unavailable', message: 'The shared state store cannot be reached; the service keeps reconnecting.' });
      expect(elapsedMs).toBeLessThan(longDeadlineMs / 10);
    }
  });

  test('Redis stopped after it answered: operations fail at once, without waiting for the deadline', async () => {
    const store = openStore(redis.url, { timeoutMs: longDeadlineMs });
    expect(await store.ping()).toBe(true);
    await redis.stop();
    try {
      for (const operation of [() => store.get('room:standup'), () => store.increment('count:alice', 60), () => store.ping()]) {
        const started = performance.now();
        await operation().catch(() => undefined);
        expect(performance.now() - started).toBeLessThan(longDeadlineMs / 10);
      }
      expect(store.reachable).toBe(false);
    } finally {
      await redis.restart();
    }
  });

  test('a hung Redis keeps the deadline: no answer is no refusal', async () => {
    const store = openStore(redis.url, { timeoutMs: 1000 });
    expect(await store.ping()).toBe(true);
    redis.pause();
    try {
      const { error, elapsedMs } = await rejectionOf(store.get('room:standup'));
      expect(error).toMatchObject({ code: 'state_unavailable' });
      expect(elapsedMs).toBeGreaterThanOrEqual(950);
    } finally {
      redis.resume();
    }
    expect(await eventually(async () => {
      if (!(await store.ping())) throw new Error('not back yet');
      return true;
    })).toBe(true);
  });

  test('reports the loss once, however many operations and reconnections fail, and the return once', async () => {
    const events: StoreHealthEvent[] = [];
    const store = openStore(redis.url, { onHealth: (event) => events.push(event) });
    expect(await store.ping()).toBe(true);
    expect(store.reachable).toBe(true);
    expect(events).toEqual([]);
    await redis.stop();
    try {
      await until(() => events.length > 0);
      for (let request = 0; request < 20; request++) await store.get('room:standup').catch(() => undefined);
      // Reconnection attempts back off to one a second: two seconds see several of them fail.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // A reason only when the socket reported one: a server that shuts down closes connections cleanly.
      expect(events).toEqual([expect.objectContaining({ level: 'warn', event: 'state_store_down', store: 'redis' })]);
    } finally {
      await redis.restart();
    }
    await until(() => events.length > 1);
    expect(await store.ping()).toBe(true);
    expect(store.reachable).toBe(true);
    expect(events.slice(1)).toEqual([{ level: 'info', event: 'state_store_up', store: 'redis' }]);
  });

  test('unreachable from the start: one line saying so, with the socket error and no address; then one when it answers', async () => {
    const port = await freePort();
    const events: StoreHealthEvent[] = [];
    const store = openStore(`redis://:${password}@127.0.0.1:${port}`, { onHealth: (event) => events.push(event) });
    await until(() => events.length > 0);
    expect(events).toEqual([{ level: 'warn', event: 'state_store_down', store: 'redis', reason: 'ECONNREFUSED' }]);
    const late = await startRedis({ port, password });
    try {
      await until(() => events.length > 1);
      expect(events.slice(1)).toEqual([{ level: 'info', event: 'state_store_up', store: 'redis' }]);
      expect(await store.ping()).toBe(true);
    } finally {
      await store.close();
      await stopRedis(late);
    }
    expect(JSON.stringify(events)).not.toContain(String(port));
  });

  test('a wrong password is reported as the reply Redis gave, never the password', async () => {
    const events: StoreHealthEvent[] = [];
    openStore(`redis://:not-the-${password}@127.0.0.1:${redis.port}`, { onHealth: (event) => events.push(event) });
    await until(() => events.length > 0);
    expect(events).toEqual([{ level: 'warn', event: 'state_store_down', store: 'redis', reason: 'WRONGPASS' }]);
  });

  test('closing the store is no outage: nothing is reported', async () => {
    const events: StoreHealthEvent[] = [];
    const store = openStore(redis.url, { onHealth: (event) => events.push(event) });
    expect(await store.ping()).toBe(true);
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]);
  });
});
