/**
 * The RateLimit-Policy and RateLimit header fields of the IETF httpapi draft
 * (draft-ietf-httpapi-ratelimit-headers-10, September 2025; the same syntax since -08):
 * Structured Field lists (RFC 8941) whose members are a quoted policy name with integer
 * parameters, e.g. `RateLimit-Policy: "ip";q=120;w=60` and `RateLimit: "ip";r=0;t=17`.
 */

/** Where one request stands against one limit. */
export interface RateLimitStatus {
  /** The limit's member of RateLimit-Policy: a quota of `q` requests per window of `w` seconds. */
  readonly policy: string;
  /** Its member of RateLimit: `r` requests left, the window resets in `t` seconds. */
  readonly rateLimit: string;
  /** `t`: whole seconds until the window resets, at least 1, so it can serve as Retry-After. */
  readonly resetSeconds: number;
}

/**
 * A limit's standing, from its policy and the limiter's count.
 *
 * @example statusOf('ip', 120, 60, 0, 16_200).rateLimit // '"ip";r=0;t=17'
 */
export function statusOf(name: string, quota: number, windowSeconds: number, remaining: number, msBeforeReset: number): RateLimitStatus {
  // Rounded up: a client that waits t seconds finds the window reset, never a moment early.
  const resetSeconds = Math.max(1, Math.ceil(msBeforeReset / 1000));
  return {
    policy: `"${name}";q=${quota};w=${windowSeconds}`,
    rateLimit: `"${name}";r=${Math.max(0, remaining)};t=${resetSeconds}`,
    resetSeconds,
  };
}

/**
 * The two fields for an answer, one list member per limit that applied; no fields when none did.
 *
 * @example rateLimitHeaders([ipStatus, identityStatus])
 * // { 'RateLimit-Policy': '"ip";q=120;w=60, "identity";q=30;w=60', RateLimit: '"ip";r=119;t=60, "identity";r=29;t=60' }
 */
export function rateLimitHeaders(statuses: ReadonlyArray<RateLimitStatus | undefined>): Record<string, string> {
  // One pass, no intermediate arrays: every token answer carries these fields.
  let policy = '';
  let rateLimit = '';
  for (const status of statuses) {
    if (status === undefined) continue;
    policy = policy === '' ? status.policy : `${policy}, ${status.policy}`;
    rateLimit = rateLimit === '' ? status.rateLimit : `${rateLimit}, ${status.rateLimit}`;
  }
  return policy === '' ? {} : { 'RateLimit-Policy': policy, RateLimit: rateLimit };
}

/**
 * The headers of a 429: Retry-After and the exhausted limit's fields. The draft's Server
 * Behavior section asks that `t` and Retry-After name the same instant, so both carry `resetSeconds`.
 */
export function refusalHeaders(status: RateLimitStatus): Record<string, string> {
  return { 'Retry-After': String(status.resetSeconds), ...rateLimitHeaders([status]) };
}
