import { Env, invalidConfig, missingConfig, readMatching, readVar, secretSource } from '../config/env';
import { MemoryStore, MemoryStoreOptions } from './memory-store';
import { defaultStatePrefix, openRedisStore, RedisStore } from './redis-store';

/** Which store holds the state every replica must see, read from `STATE_STORE` and friends. */
export type StateConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; prefix: string };

/** The variables {@link readStateConfig} reads, for memoising loaders. */
export const stateVariables = ['STATE_STORE', 'REDIS_URL', 'STATE_PREFIX'] as const;

/**
 * Reads `STATE_STORE` (`memory`, the default, or `redis`), and for Redis `REDIS_URL` (required,
 * `redis://` or `rediss://`) and `STATE_PREFIX` (default `rtc-token-service:`). Problems name the
 * variable, never its value: the URL may hold a password.
 *
 * @example readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache:6379' })
 * // { kind: 'redis', url: 'redis://cache:6379', prefix: 'rtc-token-service:' }
 */
export function readStateConfig(env: Env): StateConfig {
  const kind = readVar(env, 'STATE_STORE')?.toLowerCase() ?? 'memory';
  if (kind === 'memory') return { kind };
  if (kind !== 'redis') throw invalidConfig('STATE_STORE', 'memory or redis');
  const url = readVar(env, 'REDIS_URL');
  if (url === undefined) throw missingConfig(['REDIS_URL']);
  if (!isRedisUrl(url)) throw invalidConfig(secretSource(env, 'REDIS_URL'), 'a redis:// or rediss:// URL');
  const prefix = readMatching(env, 'STATE_PREFIX', /^[!-~]{1,100}$/, 'at most 100 printable ASCII characters without spaces')
    ?? defaultStatePrefix;
  return { kind, url, prefix };
}

function isRedisUrl(value: string): boolean {
  if (!/^rediss?:\/\//.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
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
    ? openRedisStore({ url: config.url, prefix: config.prefix, timeoutMs: options.timeoutMs })
    : new MemoryStore(options.memory);
}
