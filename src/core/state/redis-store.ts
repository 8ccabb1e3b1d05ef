import { Problem } from '../problem';
import { ConnectionHealth, StoreHealthListener } from './health';
import { checkReachable, connectionEvents, connectRedis, RedisClient } from './redis-client';
import type { RedisTarget } from './redis-target';
import { StateStore } from './store';

export type RedisStoreOptions = {
  /** Put before every key, so several services can share one Redis. Default `rtc-token-service:`. */
  prefix?: string;
  /** Deadline of each operation, waiting for a connection included. Default 1000 ms. */
  timeoutMs?: number;
  /** Told when the connection is lost and when it is back (see {@link ConnectionHealth}). */
  onHealth?: StoreHealthListener;
} & (
  /** One Redis by `redis://` or `rediss://` (TLS) URL. It may hold a password, so no message ever repeats it. */
  | { url: string }
  /** Any Redis deployment: a URL with TLS settings, Sentinel, or Cluster. */
  | { target: RedisTarget }
);

export const defaultStatePrefix = 'rtc-token-service:';
/** A Redis in the same network answers in a millisecond: a second without an answer is an outage, not latency. */
export const defaultStateTimeoutMs = 1000;

/**
 * SET NX EX and the read of the winner in one atomic step. Redis 7's `SET … NX GET` would do it
 * in one command, but Redis 6.2 (still offered by managed services) refuses NX with GET.
 */
const setIfAbsentScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return ARGV[1] end
return redis.call('GET', KEYS[1])`;

/** INCR and EXPIRE in one atomic step, so no counter ever lives without a TTL. */
const incrementScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

interface StoreCommands {
  rtcSetIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string>;
  rtcIncrement(key: string, ttlSeconds: number): Promise<number>;
}

/**
 * The state store every replica shares (`STATE_STORE=redis`), on ioredis. Keys are `prefix + key`
 * and always carry a TTL; every command touches one key, so on a Redis Cluster each works
 * whatever slot its key hashes to, and keys spread over every node without hash tags. While Redis
 * is known to be unreachable (a connection refused or lost, and none ready since) each operation
 * rejects with `state_unavailable` at once; while it is only slow (connecting, or a command
 * unanswered) it waits at most `timeoutMs`. The client keeps reconnecting, so operations succeed
 * again as soon as Redis is back, with no restart.
 */
export class RedisStore implements StateStore {
  readonly prefix: string;
  private readonly redis: RedisClient & StoreCommands;
  private readonly timeoutMs: number;
  private readonly health: ConnectionHealth;
  /** One wait for the next 'ready' shared by every operation that arrives while disconnected. */
  private nextReady: Promise<void> | undefined;
  private closed = false;

  /** Use {@link openRedisStore}, which loads ioredis only when a Redis store is configured. */
  constructor(redis: RedisClient, options: { prefix: string; timeoutMs: number; onHealth?: StoreHealthListener }) {
    this.redis = redis as RedisClient & StoreCommands;
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs;
    this.health = new ConnectionHealth(connectionEvents(redis), options.onHealth);
  }

  /** Whether a connection is ready as far as the client knows, without asking Redis: for metrics. */
  get reachable(): boolean {
    return this.health.up;
  }

  /**
   * The ioredis client, for libraries that speak Redis themselves (rate-limiter-flexible). Keys
   * they write must start with `prefix` and expire; run their calls through {@link run}.
   */
  get client(): RedisClient {
    return this.redis;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.run((redis) => redis.get(this.prefix + key))) ?? undefined;
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string> {
    requireTtl(ttlSeconds);
    return this.run(() => this.redis.rtcSetIfAbsent(this.prefix + key, value, ttlSeconds));
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    requireTtl(ttlSeconds);
    return this.run(() => this.redis.rtcIncrement(this.prefix + key, ttlSeconds));
  }

  async ping(): Promise<boolean> {
    try {
      await this.run(checkReachable);
      return true;
    } catch {
      return false;
    }
  }

  /** Quits cleanly when connected (pending replies arrive first), else drops the connection attempt. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.stop();
    if (this.redis.status === 'ready') {
      const ended = new Promise((resolve) => this.redis.once('end', resolve));
      try {
        await this.redis.quit();
        await ended;
        return;
      } catch {
        // The connection broke while quitting: fall through and drop it.
      }
    }
    this.redis.disconnect();
  }

  /**
   * Runs `operation` once the connection is ready, within the store's deadline. Waiting for the
   * connection, a timeout and any `Error` the operation throws reject with `state_unavailable`;
   * other rejections pass through unchanged (rate-limiter-flexible rejects with a
   * `RateLimiterRes` to say "over the limit").
   *
   * @example await store.run((redis) => redis.ping())
   */
  async run<T>(operation: (redis: RedisClient) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(unavailable(`The shared state store did not answer within ${this.timeoutMs} ms.`));
      }, this.timeoutMs);
    });
    // An operation still waiting for the connection at the deadline must never start: its caller
    // was already told it failed.
    const attempt = this.ready().then(() => (late ? Promise.reject(new Error('late')) : operation(this.redis)));
    try {
      return await Promise.race([attempt, deadline]);
    } catch (error) {
      // ioredis errors can name the host and port; the caller learns only that the store failed.
      if (error instanceof Error && !(error instanceof Problem)) throw unavailable('The shared state store did not complete the operation.');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(unavailable('The shared state store is closed.'));
    if (this.redis.status === 'ready') return Promise.resolve();
    // Waiting out the deadline for a connection known to be refused would only hold the caller.
    if (this.health.down) return Promise.reject(unreachable());
    // A first connection refused fails the operations waiting for it, as it fails the ones after.
    this.nextReady ??= new Promise((resolve, reject) => {
      const settle = (ready: boolean) => {
        this.nextReady = undefined;
        this.redis.off('ready', onReady);
        this.redis.off('close', onClose);
        if (ready) resolve();
        else reject(unreachable());
      };
      const onReady = () => settle(true);
      const onClose = () => settle(false);
      this.redis.once('ready', onReady);
      this.redis.once('close', onClose);
    });
    return this.nextReady;
  }
}

/**
 * Connects to Redis in the background and returns at once: a host starts even while Redis is
 * down, and operations report `state_unavailable` until it answers. Loads ioredis on first call.
 *
 * @example
 * const store = openRedisStore({ url: 'redis://redis.internal:6379' });
 * await store.setIfAbsent('room:standup', sessionId, 86400);
 */
export function openRedisStore(options: RedisStoreOptions): RedisStore {
  const timeoutMs = options.timeoutMs ?? defaultStateTimeoutMs;
  const target: RedisTarget = 'target' in options ? options.target : { shape: 'single', url: options.url, auth: {} };
  const redis = connectRedis(target, timeoutMs, {
    rtcSetIfAbsent: { numberOfKeys: 1, lua: setIfAbsentScript },
    rtcIncrement: { numberOfKeys: 1, lua: incrementScript },
  });
  return new RedisStore(redis, { prefix: options.prefix ?? defaultStatePrefix, timeoutMs, onHealth: options.onHealth });
}

function unavailable(detail: string): Problem {
  return new Problem('state_unavailable', detail);
}

function unreachable(): Problem {
  return unavailable('The shared state store cannot be reached; the service keeps reconnecting.');
}

/** Every key expires (the store's contract), and Redis counts expiry in whole seconds. */
function requireTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError('ttlSeconds must be a whole number of seconds, at least 1.');
  }
}
