import { readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { Problem } from '../../../src/core/problem';
import type { StoreHealthEvent } from '../../../src/core/state/health';
import { openRedisStore, RedisStore } from '../../../src/core/state/redis-store';
import { RedisTarget, RedisTls } from '../../../src/core/state/redis-target';
import { rejectionOf } from '../../support/problem';
import { RedisCluster, RedisServer, startRedis, startRedisCluster, startSentinel, stopRedis } from '../../support/redis';
import { makeTestCa, TestCa } from '../../support/test-ca';
import { freePort } from '../../support/server';
import { eventually, until } from '../../support/wait';

const stores: RedisStore[] = [];

/** A store on `target`, closed after the test; `health` collects what it reports. */
function openStore(target: RedisTarget, health: StoreHealthEvent[] = []): RedisStore {
  const store = openRedisStore({ target, prefix: 'shape-test:', onHealth: (event) => health.push(event) });
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

describe('nothing to connect to at start-up, whatever the shape', () => {
  test.each([
    ['Sentinel', (port: number): RedisTarget => ({ shape: 'sentinel', sentinels: [{ host: '127.0.0.1', port }], masterName: 'tokens', auth: {}, sentinelAuth: {} })],
    ['Cluster', (port: number): RedisTarget => ({ shape: 'cluster', nodes: [{ host: '127.0.0.1', port }], auth: {} })],
  ])('%s: one state_store_down, then state_unavailable at once, and reconnection attempts say nothing more', async (_, target) => {
    const health: StoreHealthEvent[] = [];
    const store = openStore(target(await freePort()), health);
    await until(async () => health.length > 0, 'the store reports it is down');
    const started = performance.now();
    expect((await rejectionOf(store.get('room:standup'))).code).toBe('state_unavailable');
    expect(performance.now() - started).toBeLessThan(100);
    // Attempts back off to one a second: a few more fail meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(health).toEqual([{ level: 'warn', event: 'state_store_down', store: 'redis' }]);
    expect(store.reachable).toBe(false);
  });
});

describe('TLS (rediss://)', () => {
  /** Signed a certificate for 127.0.0.1; another CA; and one that signed a name only, as a managed service's. */
  const namedHost = 'tokens-redis.test';
  let ca: TestCa;
  let otherCa: TestCa;
  let namedCa: TestCa;
  let redis: RedisServer;
  let named: RedisServer;

  beforeAll(async () => {
    [ca, otherCa, namedCa] = [makeTestCa(['127.0.0.1', 'localhost']), makeTestCa(['127.0.0.1']), makeTestCa([namedHost])];
    [redis, named] = await Promise.all([startRedis({ tls: ca, password: 'tls-pw' }), startRedis({ tls: namedCa })]);
  });
  afterAll(async () => {
    await stopRedis(redis, named);
    for (const each of [ca, otherCa, namedCa]) each?.remove();
  });

  const trusting = (file: string): RedisTls => ({ ca: readFileSync(file, 'utf8') });

  test('a server whose certificate the private CA signed: keys written, with their TTL', async () => {
    const store = openStore({ shape: 'single', url: redis.url, auth: {}, tls: trusting(ca.caFile) });
    expect(await store.increment('count:alice', 60)).toBe(1);
    expect(await store.ping()).toBe(true);
    const raw = new Redis(redis.url, { tls: { ca: readFileSync(ca.caFile) } });
    try {
      expect(await raw.get('shape-test:count:alice')).toBe('1');
    } finally {
      raw.disconnect();
    }
  });

  test('a certificate the trusted CA did not sign is a store that cannot be reached, and the detail names nothing', async () => {
    const store = openStore({ shape: 'single', url: redis.url, auth: {}, tls: trusting(otherCa.caFile) });
    const problem = await rejectionOf(store.increment('count:alice', 60));
    expect({ code: problem.code, status: problem.status }).toEqual({ code: 'state_unavailable', status: 503 });
    expect(problem.message).not.toMatch(/tls-pw|127\.0\.0\.1|certificate/);
    expect(await store.ping()).toBe(false);
  });

  test('without REDIS_CA_FILE, the public CAs alone do not trust a private CA', async () => {
    const store = openStore({ shape: 'single', url: redis.url, auth: {}, tls: {} });
    expect(await rejectionOf(store.get('room:standup'))).toBeInstanceOf(Problem);
    expect(await store.ping()).toBe(false);
  });

  test('rediss:// to a plaintext server fails: nothing falls back to plaintext', async () => {
    const plain = await startRedis();
    try {
      const store = openStore({ shape: 'single', url: plain.url.replace('redis://', 'rediss://'), auth: {}, tls: trusting(ca.caFile) });
      expect((await rejectionOf(store.get('room:standup'))).code).toBe('state_unavailable');
      expect(await store.ping()).toBe(false);
    } finally {
      await plain.stop();
    }
  });

  test('a certificate for another name verifies once REDIS_TLS_SERVERNAME says that name', async () => {
    const url = `rediss://127.0.0.1:${named.port}`;
    const byAddress = openStore({ shape: 'single', url, auth: {}, tls: trusting(namedCa.caFile) });
    expect(await byAddress.ping()).toBe(false);
    const byName = openStore({ shape: 'single', url, auth: {}, tls: { ...trusting(namedCa.caFile), servername: namedHost } });
    expect(await byName.setIfAbsent('room:standup', 'session-1', 60)).toBe('session-1');
  });
});

describe('Sentinel over TLS', () => {
  let ca: TestCa;
  let master: RedisServer;
  let sentinel: RedisServer;

  beforeAll(async () => {
    ca = makeTestCa(['127.0.0.1']);
    master = await startRedis({ tls: ca, password: 'master-pw' });
    sentinel = await startSentinel({ masterName: 'tokens', master, masterPassword: 'master-pw', downAfterMs: 5000, tls: ca });
  });
  afterAll(async () => {
    await stopRedis(sentinel, master);
    ca?.remove();
  });

  test('asks a Sentinel over TLS for the master, and reaches the master over TLS', async () => {
    const store = openStore({
      shape: 'sentinel', sentinels: [{ host: '127.0.0.1', port: sentinel.port }], masterName: 'tokens',
      auth: { password: 'master-pw' }, sentinelAuth: {}, tls: { ca: readFileSync(ca.caFile, 'utf8') },
    });
    expect(await store.setIfAbsent('room:standup', 'session-1', 60)).toBe('session-1');
    expect(await store.ping()).toBe(true);
  });

  test('trusting another CA, neither answers', async () => {
    const otherCa = makeTestCa(['127.0.0.1']);
    try {
      const store = openStore({
        shape: 'sentinel', sentinels: [{ host: '127.0.0.1', port: sentinel.port }], masterName: 'tokens',
        auth: { password: 'master-pw' }, sentinelAuth: {}, tls: { ca: readFileSync(otherCa.caFile, 'utf8') },
      });
      expect((await rejectionOf(store.get('room:standup'))).code).toBe('state_unavailable');
    } finally {
      otherCa.remove();
    }
  });
});

describe('Redis Cluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  const seeds = () => cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  const target = (): RedisTarget => ({ shape: 'cluster', nodes: seeds(), auth: {} });

  test('keys land on every master, each command on the node that owns its slot', async () => {
    const store = openStore(target());
    const counts = await Promise.all(Array.from({ length: 30 }, (_, i) => store.increment(`count:user-${i}`, 60)));
    expect(counts).toEqual(Array(30).fill(1));
    expect(await store.setIfAbsent('room:standup', 'session-1', 60)).toBe('session-1');
    const perNode = await Promise.all(cluster.nodes.map(async (node) => {
      const raw = new Redis(node.url);
      try {
        return await raw.dbsize();
      } finally {
        raw.disconnect();
      }
    }));
    expect(perNode.every((keys) => keys > 0)).toBe(true);
    expect(perNode.reduce((sum, keys) => sum + keys, 0)).toBe(31);
  });

  test('one master killed: its keys are state_unavailable within the deadline and readiness fails; back, both recover without a restart', async () => {
    const store = openStore(target());
    const raw = new Cluster(seeds());
    raw.on('error', () => undefined);
    try {
      await until(() => store.ping(), 'the cluster is ready', 15_000, cluster.output);
      const [victim] = cluster.nodes;
      // A key the victim owns, found by asking it which slots it serves.
      const key = await keyOwnedBy(raw, victim.port);
      await store.increment(key, 60);
      await victim.kill();
      const started = performance.now();
      expect((await rejectionOf(store.increment(key, 60))).code).toBe('state_unavailable');
      expect(performance.now() - started).toBeLessThan(1500);
      expect(await store.ping()).toBe(false);
      await victim.restart();
      await until(() => store.ping(), 'the restarted master serves again', 15_000, cluster.output);
      // Nothing persisted: the restarted master counts from zero, and the store counts there.
      expect(await eventually(() => store.increment(key, 60))).toBe(1);
    } finally {
      raw.disconnect();
    }
  }, 60_000);
});

/** A key of this store whose slot the node on `port` owns. */
async function keyOwnedBy(cluster: Cluster, port: number): Promise<string> {
  // A third of all keys hash to each of three masters: a hundred tries cannot all miss.
  for (let i = 0; i < 100; i++) {
    const key = `count:probe-${i}`;
    const slot = await cluster.cluster('KEYSLOT', `shape-test:${key}`) as number;
    if (cluster.slots[slot]?.[0] === `127.0.0.1:${port}`) return key;
  }
  throw new Error(`no key of the first hundred hashes to a slot of 127.0.0.1:${port}: ${JSON.stringify(cluster.slots[0])}`);
}
