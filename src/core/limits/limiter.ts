import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { Problem } from '../problem';
import { ipBucket } from '../request/client-ip';
import type { MemoryStore } from '../state/memory-store';
import { RedisStore } from '../state/redis-store';
import { LimitsConfig } from './config';
import { RateLimitStatus, refusalHeaders, statusOf } from './rate-limit-fields';

/**
 * The abuse limits of one process, shared with every replica when the store is Redis. Each
 * method takes one request's step; over a limit it rejects with `rate_limited` (429, with
 * `Retry-After`, `RateLimit-Policy` and `RateLimit`), and when the store cannot be reached with
 * `state_unavailable` (503). A limit set to 0, or an address that is undefined (Twilio Functions
 * expose none), lets every request through and reports nothing.
 *
 * In the request pipeline, in this order, so a refused request spends no budget it should not:
 * 1. `checkIp(ip)` before anything else;
 * 2. `reserveAuthFailure(ip)` before verifying credentials, then the release it resolves with once
 *    the credentials are good (or could not be judged, e.g. `auth_unavailable`); a credential
 *    failure keeps the reservation, and it counts;
 * 3. `consumeIdentity(identity)` once the identity is known, just before minting;
 * 4. `consumeCreation(ip, identity)` just before the request's first upstream creation, if any.
 */
export interface Limiter {
  /** Counts one request against the client address's budget. */
  checkIp(ip: string | undefined): Promise<RateLimitStatus | undefined>;
  /**
   * Counts this attempt as a failed authentication before it is judged, so parallel guesses
   * cannot all pass the check before the first failure is recorded; rejects when the address has
   * used up its failures. Resolves with the function that takes the reservation back (which,
   * like every step, rejects with `state_unavailable` when the store cannot be reached).
   */
  reserveAuthFailure(ip: string | undefined): Promise<() => Promise<void>>;
  /** Counts one token against the identity's budget. */
  consumeIdentity(identity: string): Promise<RateLimitStatus | undefined>;
  /**
   * Counts one request that creates something upstream against the address's creation budget,
   * then the identity's; resolves with the statuses of those that are on.
   */
  consumeCreation(ip: string | undefined, identity: string): Promise<RateLimitStatus[]>;
}

/**
 * Types only: the package index loads all of its back ends (21 ms, measured), so the limiter
 * requires the one file it needs (4-5 ms).
 */
type Flexible = typeof import('rate-limiter-flexible');

/**
 * The limiter for these limits, counting in the store's back end: rate-limiter-flexible's
 * Redis limiter on the store's own connection and under its prefix, or its memory limiter for
 * the in-process store. rate-limiter-flexible is loaded only when a limit is on.
 *
 * @example
 * const limiter = createLimiter(readLimitsConfig(env), store);
 * const ipStatus = await limiter.checkIp(clientIp(socket.remoteAddress, forwardedFor, config.trustProxy));
 */
export function createLimiter(config: LimitsConfig, store: MemoryStore | RedisStore): Limiter {
  const budget = (name: string, points: number, windowSeconds: number, refusal: string) =>
    points > 0 ? new Budget(name, points, windowSeconds, refusal, store) : undefined;
  const ip = budget('ip', config.ipPerMinute, 60, 'Too many requests from this address');
  const authFailures = budget('auth-failures', config.authFailuresPer15Min, 900, 'Too many failed authentications from this address');
  const identity = budget('identity', config.identityPerMinute, 60, 'Too many tokens for this identity');
  const createIp = budget('create-ip', config.createIpPerMinute, 60, 'Too many rooms, sessions or users created from this address');
  const createIdentity = budget('create-identity', config.createIdentityPerMinute, 60, 'Too many rooms, sessions or users created for this identity');
  const nothingToRelease = async () => undefined;
  return {
    checkIp: async (address) => (address === undefined ? undefined : ip?.consume(ipBucket(address))),
    reserveAuthFailure: async (address) => {
      if (address === undefined || authFailures === undefined) return nothingToRelease;
      const key = ipBucket(address);
      await authFailures.consume(key);
      return () => authFailures.giveBack(key);
    },
    consumeIdentity: async (name) => identity?.consume(name),
    consumeCreation: async (address, name) => {
      const statuses: RateLimitStatus[] = [];
      if (address !== undefined && createIp !== undefined) statuses.push(await createIp.consume(ipBucket(address)));
      if (createIdentity !== undefined) statuses.push(await createIdentity.consume(name));
      return statuses;
    },
  };
}

/** One limit: `points` per fixed window of `windowSeconds`, counted per key. */
class Budget {
  private readonly limiter: RateLimiterAbstract;
  private readonly verdict: Flexible['RateLimiterRes'];
  private readonly guard: <T>(operation: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly name: string,
    private readonly points: number,
    private readonly windowSeconds: number,
    private readonly refusal: string,
    store: MemoryStore | RedisStore,
  ) {
    this.verdict = require('rate-limiter-flexible/lib/RateLimiterRes') as Flexible['RateLimiterRes'];
    if (store instanceof RedisStore) {
      const RateLimiterRedis = require('rate-limiter-flexible/lib/RateLimiterRedis') as Flexible['RateLimiterRedis'];
      this.limiter = new RateLimiterRedis({
        storeClient: store.client, keyPrefix: `${store.prefix}limit:${name}`, points, duration: windowSeconds,
      });
      // The store's deadline and error mapping: a Redis failure is state_unavailable, never a 429.
      this.guard = (operation) => store.run(operation);
    } else {
      const RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory') as Flexible['RateLimiterMemory'];
      this.limiter = new RateLimiterMemory({ keyPrefix: `limit:${name}`, points, duration: windowSeconds });
      this.guard = (operation) => operation();
    }
  }

  async consume(key: string): Promise<RateLimitStatus> {
    try {
      return this.status(await this.guard(() => this.limiter.consume(key)));
    } catch (rejection) {
      if (!(rejection instanceof this.verdict)) throw rejection;
      const status = this.status(rejection);
      throw new Problem('rate_limited', `${this.refusal}; retry in ${status.resetSeconds} s.`, refusalHeaders(status));
    }
  }

  /**
   * Takes one point back. Released after its window ended, it starts the next window one below
   * zero: one extra attempt at most, and only for an attempt that spanned the window's end.
   */
  async giveBack(key: string): Promise<void> {
    await this.guard(() => this.limiter.reward(key));
  }

  private status(result: RateLimiterRes): RateLimitStatus {
    return statusOf(this.name, this.points, this.windowSeconds, result.remainingPoints, result.msBeforeNext);
  }
}
