import { Problem } from '../problem';

/** Shorter tokens would expire before an SDK finished connecting and refreshing. */
export const minTtl = 60;

/** The server's TTL policy: what a caller gets by default and the most it may ask for. */
export interface TtlPolicy {
  defaultTtl: number;
  maxTtl: number;
}

/**
 * The token lifetime in seconds: the policy's default, or what the caller asked for when it is
 * whole seconds within [60, maxTtl]. Out-of-range values are refused rather than clamped, so a
 * caller never holds a token that lives shorter or longer than it believes.
 *
 * @example resolveTtl('600', { defaultTtl: 3600, maxTtl: 86400 }) // 600
 */
export function resolveTtl(requested: string | undefined, policy: TtlPolicy): number {
  if (requested === undefined) return policy.defaultTtl;
  const ttl = /^\d{1,9}$/.test(requested) ? Number(requested) : NaN;
  if (!(ttl >= minTtl && ttl <= policy.maxTtl)) {
    throw new Problem('ttl_invalid', `ttl must be whole seconds between ${minTtl} and ${policy.maxTtl}.`);
  }
  return ttl;
}
