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
 * CORS headers for an actual (non-preflight) answer. An unlisted origin gets no
 * `Access-Control-Allow-Origin`, so the browser withholds the answer from that page; requests
 * without an Origin (curl, native apps) are not browser requests and are served as usual.
 * `Vary: Origin` is always present so shared caches never hand one origin's answer to another.
 *
 * @example corsHeaders('https://app.example', new Set(['https://app.example']))
 * // { 'Access-Control-Allow-Origin': 'https://app.example', Vary: 'Origin' }
 */
export function corsHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  if (policy === '*') return { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };
  if (origin !== undefined && policy.has(origin)) {
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }
  return { Vary: 'Origin' };
}

/**
 * Headers for an OPTIONS preflight, for hosts that answer preflights themselves (Twilio's runtime
 * does so for Functions). Unlisted origins get no allow headers, so the browser stops there.
 */
export function preflightHeaders(origin: string | undefined, policy: OriginPolicy): Record<string, string> {
  const allow = corsHeaders(origin, policy);
  if (!('Access-Control-Allow-Origin' in allow)) {
    return { Vary: 'Origin, Access-Control-Request-Headers' };
  }
  return {
    ...allow,
    'Access-Control-Allow-Methods': allowedMethods,
    'Access-Control-Allow-Headers': allowedRequestHeaders,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin, Access-Control-Request-Headers',
  };
}
