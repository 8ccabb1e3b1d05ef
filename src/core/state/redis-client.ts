import { EventEmitter } from 'node:events';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import type { RedisTarget, RedisTls } from './redis-target';

/** An ioredis client of any shape: the store uses only what `Redis` and `Cluster` share. */
export type RedisClient = Redis | Cluster;

/** Lua scripts to define on the client, as ioredis' `scripts` option takes them. */
export type RedisScripts = NonNullable<RedisOptions['scripts']>;

/** Reconnection never stops; attempts back off to one a second, so a returning Redis is used within a second. */
const maxReconnectDelayMs = 1000;

/**
 * An ioredis client for `target`, connecting in the background: a `Redis` for a URL, a `Redis`
 * that asks Sentinel where the master is, or a `Cluster`. Every shape fails fast rather than
 * queueing while disconnected, gives each command `timeoutMs`, reconnects forever (following a
 * promoted master or moved slots without a restart) and never resends a command that may have
 * run. Loads ioredis on first call.
 *
 * @example
 * const client = connectRedis({ shape: 'cluster', nodes: [{ host: 'redis-0', port: 6379 }], auth: {} }, 1000, {});
 */
export function connectRedis(target: RedisTarget, timeoutMs: number, scripts: RedisScripts): RedisClient {
  const { Redis: RedisConnection, Cluster: RedisCluster } = require('ioredis') as typeof import('ioredis');
  const tls = target.tls === undefined ? undefined : tlsOptions(target.tls);
  const connection: RedisOptions = {
    // Fail fast while disconnected instead of queueing: a queued write could run long after its
    // request was answered with 503, and the queue would grow for as long as Redis is away.
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // A connection that stops answering mid-command is dropped and re-established.
    socketTimeout: timeoutMs,
    // A command in flight when the connection drops fails rather than being sent again later.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    // A master demoted under a live connection (a failover behind ElastiCache's primary endpoint,
    // or one Sentinel reconfigured) answers writes with READONLY: reconnect, to the new master.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    // close() disconnects only a connection that is not ready, which has nothing left to flush;
    // ioredis would otherwise keep a 2 s timer alive even for a socket that is already gone.
    disconnectTimeout: 100,
    ...target.auth,
    ...(tls === undefined ? {} : { tls }),
  };
  switch (target.shape) {
    case 'single':
      // The URL's own password and TLS (rediss://) apply; the rest comes from `connection`.
      return new RedisConnection(target.url, { ...connection, scripts });
    case 'sentinel':
      return new RedisConnection({
        ...connection,
        scripts,
        sentinels: target.sentinels,
        name: target.masterName,
        sentinelUsername: target.sentinelAuth.username,
        sentinelPassword: target.sentinelAuth.password,
        // TLS is all or nothing: to the Sentinels and to the master they name.
        ...(tls === undefined ? {} : { sentinelTLS: tls, enableTLSForSentinelMode: true }),
        sentinelRetryStrategy: reconnectDelay,
        sentinelCommandTimeout: timeoutMs,
      });
    case 'cluster':
      return new RedisCluster(target.nodes, clusterOptions(connection, tls, timeoutMs, scripts));
  }
}

function clusterOptions(connection: RedisOptions, tls: ConnectionOptions | undefined, timeoutMs: number, scripts: RedisScripts): ClusterOptions {
  return {
    redisOptions: connection,
    scripts,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    slotsRefreshTimeout: timeoutMs,
    // A cluster that refuses every key (a master lost, no replica promoted yet) stays down for
    // seconds: answer 503 now rather than retrying until the deadline. A connection closed or
    // still opening is retried (ioredis' retryDelayOnFailover), within the store's deadline.
    retryDelayOnClusterDown: 0,
    // With TLS, keep the names nodes announce: certificates name hosts, not the addresses they
    // resolve to (ElastiCache's TLS clusters announce names for this reason).
    ...(tls === undefined ? {} : { dnsLookup: (address, callback) => callback(null, address) }),
  };
}

function tlsOptions(tls: RedisTls): ConnectionOptions {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
}

function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, maxReconnectDelayMs);
}

/** Redis Cluster divides keys among this many slots. */
const clusterSlots = 16384;

/**
 * Resolves when every key can be served right now, else rejects: one PING for a single Redis or
 * Sentinel's master. For a cluster, every master that owns slots must be connected and say the
 * cluster is `ok`: a master gone fails its own keys at once, and every key once the others notice
 * (after their `cluster-node-timeout`), while a PING to any one node would still answer.
 *
 * @example await store.run(checkReachable)
 */
export async function checkReachable(client: RedisClient): Promise<void> {
  if (!isCluster(client)) {
    await client.ping();
    return;
  }
  const connected = new Map(client.nodes('master').map((node) => [nodeKey(node), node]));
  const owners = new Set<string>();
  for (let slot = 0; slot < clusterSlots; slot++) owners.add(client.slots[slot]?.[0] ?? 'none');
  const nodes = [...owners].map((owner) => connected.get(owner));
  if (nodes.includes(undefined)) {
    // ioredis drops a node whose connection ended and finds it again only through a refresh,
    // which requests trigger (MOVED) but probes alone would not.
    client.refreshSlotsCache();
    throw new Error('A master owning slots is not connected.');
  }
  const states = await Promise.all(nodes.map((node) => node!.cluster('INFO')));
  if (!states.every((info) => String(info).includes('cluster_state:ok'))) throw new Error('The cluster is not serving every slot.');
}

/**
 * The connection's events as one Redis connection emits them, whatever the shape: `error` with
 * the cause, `close` when it is lost or an attempt failed, `ready` when it can serve again.
 * Sentinel's client stays `connecting` while no Sentinel answers, emitting errors but no close,
 * so an error while connecting counts as a failed attempt. A cluster stays `ready` while a master
 * is gone and its keys fail: losing a master that owns slots is a `close`, and `ready` follows
 * once every master lost since is connected again, or replaced.
 *
 * @example new ConnectionHealth(connectionEvents(client), log)
 */
export function connectionEvents(client: RedisClient): EventEmitter {
  return isCluster(client) ? clusterEvents(client) : redisEvents(client);
}

function redisEvents(redis: Redis): EventEmitter {
  const events = new EventEmitter();
  redis.on('error', (error) => {
    events.emit('error', error);
    if (redis.status === 'connecting') events.emit('close');
  });
  redis.on('close', () => events.emit('close'));
  redis.on('ready', () => events.emit('ready'));
  return events;
}

function clusterEvents(cluster: Cluster): EventEmitter {
  const events = new EventEmitter();
  /** Masters (`host:port`) lost while the cluster was ready, until each is connected again. */
  const lost = new Set<string>();
  const owners = () => new Set(cluster.slots.map((keys) => keys[0]));
  cluster.on('error', (error) => events.emit('error', error));
  cluster.on('close', () => events.emit('close'));
  cluster.on('ready', () => {
    lost.clear();
    events.emit('ready');
  });
  const lose = (key: string, error?: unknown) => {
    if (cluster.status !== 'ready' || !owners().has(key)) return;
    lost.add(key);
    if (error !== undefined) events.emit('error', error);
    events.emit('close');
  };
  // A connection refused or broken is a node error; one closed by a node that went away ends
  // it, and ioredis drops it from its pool (-node) with no error at all.
  cluster.on('node error', (error: unknown, key: string) => lose(key, error));
  cluster.on('-node', (node: Redis) => lose(nodeKey(node)));
  // Back once every master lost is connected again or owns no slots any more (a replica took over).
  const recover = (connected?: string) => {
    if (lost.size === 0) return;
    if (connected !== undefined) lost.delete(connected);
    const owning = owners();
    for (const key of lost) if (!owning.has(key)) lost.delete(key);
    if (lost.size === 0 && cluster.status === 'ready') events.emit('ready');
  };
  cluster.on('refresh', () => recover());
  cluster.on('+node', (node: Redis) => node.on('ready', () => recover(nodeKey(node))));
  return events;
}

/** How ioredis names a cluster node in its slot table: `host:port`. */
function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}
