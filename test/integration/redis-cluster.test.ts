import { Redis } from 'ioredis';
import { answer } from '../support/answer';
import { fullTwilioEnv } from '../support/fixtures';
import { RedisCluster, RedisServer, startRedisCluster } from '../support/redis';
import { logLines, RunningServer, startNodeHost } from '../support/server';
import { until } from '../support/wait';

const identityKeys = 'rtc-token-service:limit:identity:*';
const password = 'cluster-secret';

let cluster: RedisCluster;
let hosts: RunningServer[];

beforeAll(async () => {
  cluster = await startRedisCluster({ password });
  const env = {
    ...fullTwilioEnv, STATE_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PASSWORD: password,
    RATE_LIMIT_IDENTITY: '5', RATE_LIMIT_IP: '0',
  };
  hosts = await Promise.all([startNodeHost(env), startNodeHost(env)]);
  for (const host of hosts) {
    await until(async () => (await fetch(`${host.url}/_/ready`)).status === 200, 'the host is ready on the cluster', 15_000, cluster.output);
  }
}, 60_000);
afterAll(async () => {
  await Promise.all((hosts ?? []).map((host) => host.stop()));
  await cluster?.stop();
});

/** The identity limit keys one node holds, read with a plain client of that node alone. */
async function identityKeysOn(node: RedisServer): Promise<string[]> {
  const client = new Redis(node.port, '127.0.0.1', { password, maxRetriesPerRequest: 0 });
  try {
    return await client.keys(identityKeys);
  } finally {
    client.disconnect();
  }
}

describe('two hosts on one 3-master Redis Cluster', () => {
  test('share one identity limit: five tokens across both hosts, then 429 on either', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await answer(`${hosts[i % 2].url}/token?identity=shared-alice`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  test('thirty identities all get tokens, their limit keys spread over more than one master', async () => {
    const statuses = [];
    for (let i = 0; i < 30; i++) statuses.push((await answer(`${hosts[i % 2].url}/token?identity=user-${i}`)).status);
    expect(statuses).toEqual(Array(30).fill(200));
    const perNode = await Promise.all(cluster.nodes.map(identityKeysOn));
    const users = perNode.flat().filter((key) => key.includes(':user-'));
    expect(users.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `rtc-token-service:limit:identity:user-${i}`).sort());
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
  });

  test('a master killed: its identities get 503 state_unavailable, the hosts stay up, unready, and say so once; back, tokens again', async () => {
    const victim = cluster.nodes[0];
    const victimUser = (await identityKeysOn(victim)).map((key) => key.split(':').pop()!).find((name) => name.startsWith('user-'));
    expect(victimUser).toBeDefined();
    for (const host of hosts) expect(logLines(host, 'state_store_down')).toEqual([]);
    await victim.kill();
    try {
      for (const host of hosts) {
        const started = performance.now();
        const refused = await answer(`${host.url}/token?identity=${victimUser}`);
        expect({ status: refused.status, code: refused.code, token: refused.token, retryAfter: refused.headers.get('retry-after') })
          .toEqual({ status: 503, code: 'state_unavailable', token: undefined, retryAfter: '5' });
        expect(performance.now() - started).toBeLessThan(3000);
        expect((await fetch(`${host.url}/_/health`)).status).toBe(200);
        const ready = await answer(`${host.url}/_/ready`);
        expect({ status: ready.status, code: ready.code, retryAfter: ready.headers.get('retry-after') })
          .toEqual({ status: 503, code: 'state_unavailable', retryAfter: '5' });
        await until(() => logLines(host, 'state_store_down').length > 0, 'the host says the store is down', 15_000, host.output);
        expect(host.output()).not.toContain(password);
      }
    } finally {
      await victim.restart();
    }
    for (const host of hosts) {
      await until(async () => (await fetch(`${host.url}/token?identity=${victimUser}`)).status === 200, 'tokens again', 20_000, cluster.output);
      await until(async () => (await fetch(`${host.url}/_/ready`)).status === 200, 'ready again', 20_000, cluster.output);
      await until(() => logLines(host, 'state_store_up').length > 0, 'the host says the store is back', 15_000, host.output);
      // The node's socket closing says nothing; a refused reconnection names ECONNREFUSED.
      const [down, ...more] = logLines(host, 'state_store_down');
      expect(more).toEqual([]);
      expect(down).toEqual({
        time: expect.any(String), level: 'warn', event: 'state_store_down', store: 'redis', ...(down.reason === undefined ? {} : { reason: 'ECONNREFUSED' }),
      });
      expect(logLines(host, 'state_store_up')).toEqual([{ time: expect.any(String), level: 'info', event: 'state_store_up', store: 'redis' }]);
      expect(host.process.exitCode).toBeNull();
    }
  }, 60_000);
});
