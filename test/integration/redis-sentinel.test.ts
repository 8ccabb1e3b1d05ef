import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { answer, Answer } from '../support/answer';
import { fullTwilioEnv } from '../support/fixtures';
import { RedisServer, startRedis, startSentinel, stopRedis } from '../support/redis';
import { logLines, RunningServer, startNodeHost } from '../support/server';
import { until } from '../support/wait';

const masterName = 'tokens';
const masterPassword = 'master-secret';
const sentinelPassword = 'sentinel-secret';
/** Sentinel calls the master down after this much silence, then promotes the replica. */
const downAfterMs = 1000;
/** Generous for a shared machine: Sentinel's election and promotion take well under a second here. */
const failoverBoundMs = downAfterMs + 15_000;
/** The store's deadline (1 s) and the HTTP round trip, with room for a busy machine. */
const answerBoundMs = 3000;
const limitKey = 'rtc-token-service:limit:identity:alice';

let master: RedisServer;
let replica: RedisServer;
let sentinel: RedisServer;
let host: RunningServer;

/** A plain client of one server, for looking at what the host wrote and what Sentinel knows. */
async function withClient<T>(server: RedisServer, use: (client: Redis) => Promise<T>, password = masterPassword): Promise<T> {
  const client = new Redis(server.port, '127.0.0.1', { password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

const everything = () => [master, replica, sentinel].map((server) => server.output()).join('\n') + (host?.output() ?? '');

beforeAll(async () => {
  // Diskless replication starts at once, not after its default 5 s wait for more replicas.
  master = await startRedis({ password: masterPassword, args: ['--repl-diskless-sync-delay', '0'] });
  replica = await startRedis({ password: masterPassword, args: ['--replicaof', '127.0.0.1', String(master.port), '--masterauth', masterPassword] });
  sentinel = await startSentinel({ masterName, master, masterPassword, password: sentinelPassword, downAfterMs });
  const secrets = mkdtempSync(join(tmpdir(), 'sentinel-secrets-'));
  writeFileSync(join(secrets, 'redis-password'), `${masterPassword}\n`);
  host = await startNodeHost({
    ...fullTwilioEnv, STATE_STORE: 'redis', RATE_LIMIT_IDENTITY: '5', RATE_LIMIT_IP: '0',
    REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_MASTER: masterName,
    REDIS_PASSWORD_FILE: join(secrets, 'redis-password'), REDIS_SENTINEL_PASSWORD: sentinelPassword,
  });
  // Sentinel can promote only a replica it knows, in sync with its master.
  await until(() => withClient(replica, async (client) => (await client.info('replication')).includes('master_link_status:up')),
    'the replica syncs', 15_000, everything);
  await until(() => withClient(sentinel, async (client) => {
    const replicas = await client.call('SENTINEL', 'REPLICAS', masterName) as string[][];
    return replicas.some((fields) => fields.includes(String(replica.port)) && !/s_down/.test(fields[fields.indexOf('flags') + 1]));
  }, sentinelPassword), 'Sentinel knows the replica', 15_000, everything);
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await stopRedis(master, replica, sentinel);
});

/** One /token request for alice, with how long its answer took. */
async function timedToken(): Promise<Answer & { elapsedMs: number }> {
  const started = performance.now();
  const reply = await answer(`${host.url}/token?identity=alice`);
  return { ...reply, elapsedMs: performance.now() - started };
}

test('the master killed: the host follows Sentinel to the promoted replica, with no hang and no restart, and the limit keeps counting there', async () => {
  for (let i = 0; i < 3; i++) expect((await timedToken()).status).toBe(200);
  expect((await fetch(`${host.url}/_/ready`)).status).toBe(200);
  // Replication is asynchronous: the count must be on the replica before its master dies.
  await until(() => withClient(replica, async (client) => (await client.get(limitKey)) === '3'), 'the count replicates', 15_000, everything);

  expect(logLines(host, 'state_store_down')).toEqual([]);
  await master.kill();
  const killedAt = performance.now();
  const ready = await answer(`${host.url}/_/ready`);
  expect({ status: ready.status, code: ready.code, retryAfter: ready.headers.get('retry-after') })
    .toEqual({ status: 503, code: 'state_unavailable', retryAfter: '5' });
  const outage: Array<Answer & { elapsedMs: number }> = [];
  let served: (Answer & { elapsedMs: number }) | undefined;
  while (served === undefined && performance.now() - killedAt < failoverBoundMs) {
    const reply = await timedToken();
    if (reply.status === 200) served = reply;
    else outage.push(reply);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(served).toBeDefined();
  for (const reply of outage) {
    expect({ status: reply.status, code: reply.code, retryAfter: reply.headers.get('retry-after') })
      .toEqual({ status: 503, code: 'state_unavailable', retryAfter: '5' });
    expect(reply.elapsedMs).toBeLessThan(answerBoundMs);
  }
  // One line when the master was lost (its socket simply closed: no error to name), one when the
  // promoted replica served: none per failed attempt in between.
  await until(() => logLines(host, 'state_store_up').length > 0, 'the host says the store is back', 15_000, everything);
  expect(logLines(host, 'state_store_down')).toEqual([
    { time: expect.any(String), level: 'warn', event: 'state_store_down', store: 'redis' },
  ]);
  expect(logLines(host, 'state_store_up')).toEqual([{ time: expect.any(String), level: 'info', event: 'state_store_up', store: 'redis' }]);
  // Three counted before, so one left (none, had a refused request's write landed after all on
  // the new master): a count that started over would leave four.
  const remaining = Number(/^"identity";r=([01]);t=\d+$/.exec(served!.headers.get('ratelimit') ?? '')?.[1]);
  expect([0, 1]).toContain(remaining);
  for (let i = 0; i < remaining; i++) expect((await timedToken()).status).toBe(200);
  expect((await timedToken()).status).toBe(429);

  const promoted = await withClient(replica, async (client) => ({
    role: (await client.info('replication')).match(/^role:(\w+)/m)?.[1],
    count: Number(await client.get(limitKey)),
    ttl: await client.ttl(limitKey),
  }));
  expect(promoted.role).toBe('master');
  expect(promoted.count).toBe(6);
  expect(promoted.ttl).toBeGreaterThan(0);
  expect((await fetch(`${host.url}/_/ready`)).status).toBe(200);
  expect(host.output()).not.toContain(masterPassword);
  expect(host.output()).not.toContain(sentinelPassword);
}, 60_000);
