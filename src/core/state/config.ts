import { Env, invalidConfig, missingConfig, readMatching, readVar, secretSource } from '../config/env';
import type { StoreHealthListener } from './health';
import { MemoryStore, MemoryStoreOptions } from './memory-store';
import { defaultStatePrefix, defaultStateTimeoutMs, openRedisStore, RedisStore } from './redis-store';

/** Which store holds the state every replica must see, read from `STATE_STORE` and friends. */
export type StateConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; prefix: string; timeoutMs: number };

/** The variables {@link readStateConfig} reads, for memoising loaders. */
export const stateVariables = ['STATE_STORE', 'REDIS_URL', 'STATE_PREFIX', 'STATE_TIMEOUT_MS'] as const;

/**
 * Bounds of the deadline of one store operation, waiting for a connection included: up to 10 s
 * for a store far away; below 50 ms a busy event loop alone would miss it.
 */
const minTimeoutMs = 50;
const maxTimeoutMs = 10_000;

/**
 * Reads `STATE_STORE` (`memory`, the default, or `redis`), and for Redis `REDIS_URL` (required,
 * `redis://` or `rediss://`), `STATE_PREFIX` (default `rtc-token-service:`) and
 * `STATE_TIMEOUT_MS` (default 1000). Problems name the variable, never its value: the URL may hold
 * a password.
 *
 * @example readStateConfig({ STATE_STORE: 'redis', REDIS_URL: 'redis://cache:6379' })
 * // { kind: 'redis', url: 'redis://cache:6379', prefix: 'rtc-token-service:', timeoutMs: 1000 }
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
  return { kind, url, prefix, timeoutMs: readTimeoutMs(env) };
}

function readTimeoutMs(env: Env): number {
  const value = readVar(env, 'STATE_TIMEOUT_MS');
  if (value === undefined) return defaultStateTimeoutMs;
  const ms = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(ms >= minTimeoutMs && ms <= maxTimeoutMs)) {
    throw invalidConfig('STATE_TIMEOUT_MS', `a whole number of milliseconds between ${minTimeoutMs} and ${maxTimeoutMs}`);
  }
  return ms;
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
 * returns at once even while Redis is down; `onHealth` hears when it is lost and back.
 *
 * @example const store = openStateStore(readStateConfig(process.env));
 */
export function openStateStore(
  config: StateConfig, options: { memory?: MemoryStoreOptions; onHealth?: StoreHealthListener } = {},
): MemoryStore | RedisStore {
  return config.kind === 'redis'
    ? openRedisStore({ url: config.url, prefix: config.prefix, timeoutMs: config.timeoutMs, onHealth: options.onHealth })
    : new MemoryStore(options.memory);
}
