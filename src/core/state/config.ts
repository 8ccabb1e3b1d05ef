import { Env, invalidConfig, readMatching, readVar } from '../config/env';
import { MemoryStore, MemoryStoreOptions } from './memory-store';
import { defaultStatePrefix, openRedisStore, RedisStore } from './redis-store';
import { readRedisTarget, RedisTarget } from './redis-target';

/** Which store holds the state every replica must see, read from `STATE_STORE` and friends. */
export type StateConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; target: RedisTarget; prefix: string };

/**
 * Reads `STATE_STORE` (`memory`, the default, or `redis`), and for Redis where it is (see
 * {@link readRedisTarget}) and `STATE_PREFIX` (default `rtc-token-service:`). Problems name the
 * variable, never its value: URLs and passwords are secrets.
 *
 * @example readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache:6379' })
 * // { kind: 'redis', target: { shape: 'single', url: 'redis://cache:6379', auth: {} }, prefix: 'rtc-token-service:' }
 */
export function readStateConfig(env: Env): StateConfig {
  const kind = readVar(env, 'STATE_STORE')?.toLowerCase() ?? 'memory';
  if (kind === 'memory') return { kind };
  if (kind !== 'redis') throw invalidConfig('STATE_STORE', 'memory or redis');
  const target = readRedisTarget(env);
  const prefix = readMatching(env, 'STATE_PREFIX', /^[!-~]{1,100}$/, 'at most 100 printable ASCII characters without spaces')
    ?? defaultStatePrefix;
  return { kind, target, prefix };
}

/**
 * The configured store. Redis connects in the background (ioredis is loaded only here), so this
 * returns at once even while Redis is down.
 *
 * @example const store = openStateStore(readStateConfig(process.env));
 */
export function openStateStore(
  config: StateConfig, options: { timeoutMs?: number; memory?: MemoryStoreOptions } = {},
): MemoryStore | RedisStore {
  return config.kind === 'redis'
    ? openRedisStore({ target: config.target, prefix: config.prefix, timeoutMs: options.timeoutMs })
    : new MemoryStore(options.memory);
}
