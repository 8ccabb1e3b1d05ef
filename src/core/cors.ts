import { Env, invalidConfig, readList } from './config/env';

/** `*` for any origin, or the exact origins (scheme://host[:port]) allowed to read answers. */
export type OriginPolicy = '*' | ReadonlySet<string>;

/** Methods a browser may use on the token endpoints; Twilio's runtime only routes these. */
export const allowedMethods = 'GET, POST, OPTIONS';
/** Request headers a browser may send: bearer credentials and JSON bodies. */
export const allowedRequestHeaders = 'Authorization, Content-Type';

/**
 * Reads `ALLOWED_ORIGINS`: unset or `*` allows every origin, otherwise a comma-separated list of
 * origins. Each entry is normalised through the URL parser so `https://App.example/` matches what
 * a browser sends (`https://app.example`).
 */
export function readOriginPolicy(env: Env): OriginPolicy {
  const entries = readList(env, 'ALLOWED_ORIGINS');
  if (entries === undefined || (entries.length === 1 && entries[0] === '*')) return '*';
  const origins = new Set<string>();
  for (const entry of entries) {
    const origin = parseOrigin(entry);
    if (origin === undefined) {
      throw invalidConfig('ALLOWED_ORIGINS', '"*" or a comma-separated list of origins such as https://app.example.com');
    }
    origins.add(origin);
  }
  return origins;
}

function parseOrigin(entry: string): string | undefined {
  try {
    const url = new URL(entry);
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return bare && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answer headers a page may read beyond the CORS-safelisted ones: how long to wait after a 429 or
 * 503, and where it stands against each limit (draft-ietf-httpapi-ratelimit-headers), so a
 * browser app can back off as a server-side client would.
 */
export const exposedHeaders = 'Retry-After, RateLimit, RateLimit-Policy';

/**
 * The `Access-Control-Allow-Origin` value for `origin`, or undefined when the policy does not list it.
 * Requests without an Origin (curl, native apps) are not browser requests: they get none and are served as usual.
 */
function allowedOrigin(origin: string | undefined, policy: OriginPolicy): string | undefined {
  if (policy === '*') return '*';
  return origin !== undefined && policy.has(origin) ? origin : undefined;
}

/**
 * CORS headers for an actual (non-preflight) answer. An unlisted origin gets no
 * `Access-Control-Allow-Origin`, so the browser withholds the answer from that page; a listed one
 * may also read `exposedHeaders`. `Vary: Origin` is always present so shared caches never hand
 * one origin's answer to another.
 *
 * @example corsHeaders('https://app.example', new Set(['https://app.example']))
 * // { 'Access-Control-Allow-Origin': 'https://app.example', 'Access-Control-Expose-Headers': 'Retry-After, RateLimit, RateLimit-Policy', Vary: 'Origin' }
 */
export function corsHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  const allowed = allowedOrigin(origin, policy);
  if (allowed === undefined) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': allowed, 'Access-Control-Expose-Headers': exposedHeaders, Vary: 'Origin' };
}

/**
 * Headers for an OPTIONS preflight, for hosts that answer preflights themselves (Twilio's runtime
 * does so for Functions). Unlisted origins get no allow headers, so the browser stops there.
 */
export function preflightHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  const allowed = allowedOrigin(origin, policy);
  if (allowed === undefined) return { Vary: 'Origin, Access-Control-Request-Headers' };
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Allow-Methods': allowedMethods,
    'Access-Control-Allow-Headers': allowedRequestHeaders,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin, Access-Control-Request-Headers',
  };
}
