import { Env, invalidConfig, readMatching, readMilliseconds, readVar } from '../config/env';
import type { StoreHealthListener } from './health';
import { MemoryStore, MemoryStoreOptions } from './memory-store';
import { defaultStatePrefix, defaultStateTimeoutMs, openRedisStore, RedisStore } from './redis-store';
import { readRedisTarget, RedisTarget } from './redis-target';

/** Which store holds the state every replica must see, read from `STATE_STORE` and friends. */
export type StateConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; target: RedisTarget; prefix: string; timeoutMs: number };

/**
 * Bounds of the deadline of one store operation, waiting for a connection included: up to 10 s
 * for a store far away; below 50 ms a busy event loop alone would miss it.
 */
const minTimeoutMs = 50;
const maxTimeoutMs = 10_000;

/**
 * Reads `STATE_STORE` (`memory`, the default, or `redis`), and for Redis where it is (see
 * {@link readRedisTarget}), `STATE_PREFIX` (default `rtc-token-service:`) and `STATE_TIMEOUT_MS`
 * (default 1000). Problems name the variable, never its value: URLs and passwords are secrets.
 *
 * @example readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache:6379' })
 * // { kind: 'redis', target: { shape: 'single', url: 'redis://cache:6379', auth: {} },
 * //   prefix: 'rtc-token-service:', timeoutMs: 1000 }
 */
export function readStateConfig(env: Env): StateConfig {
  const kind = readVar(env, 'STATE_STORE')?.toLowerCase() ?? 'memory';
  if (kind === 'memory') return { kind };
  if (kind !== 'redis') throw invalidConfig('STATE_STORE', 'memory or redis');
  const target = readRedisTarget(env);
  const prefix = readMatching(env, 'STATE_PREFIX', /^[!-~]{1,100}$/, 'at most 100 printable ASCII characters without spaces')
    ?? defaultStatePrefix;
  return { kind, target, prefix, timeoutMs: readTimeoutMs(env) };
}

function readTimeoutMs(env: Env): number {
  return readMilliseconds(env, 'STATE_TIMEOUT_MS', defaultStateTimeoutMs, minTimeoutMs, maxTimeoutMs);
}

/**
 * The configured store. Redis connects in the background (ioredis is loaded only here), so this
 * returns at once even while Redis is down; `onHealth` hears when it is lost and back.
 *
 * @example const store = openStateStore(readStateConfig(process.env));
 */
export function openStateStore(
  config: StateConfig, options: { memory?: MemoryStoreOptions; onHealth?: StoreHealthListener } = {},
): MemoryStore | RedisStore {
  return config.kind === 'redis'
    ? openRedisStore({ target: config.target, prefix: config.prefix, timeoutMs: config.timeoutMs, onHealth: options.onHealth })
    : new MemoryStore(options.memory);
}
