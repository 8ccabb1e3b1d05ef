import * as http from 'node:http';
import * as https from 'node:https';
import { createLocalJWKSet, errors } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { Problem } from '../problem';

export interface RemoteKeySetOptions {
  /** The identity provider's JWKS endpoint (`jwks_uri`). */
  url: URL;
  /** One deadline for connecting, the headers and the whole body. */
  timeoutMs?: number;
  /** The largest key set accepted, counted as it arrives. */
  maxBytes?: number;
  /** After any fetch, how long before the next one: a failed fetch is not retried, an unknown `kid` does not refetch. */
  cooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again, so keys the provider withdrew stop verifying. */
  cacheMaxAgeMs?: number;
  /** Milliseconds since the epoch; tests move it to pass cooldowns. */
  now?: () => number;
}

/** Identity providers publish a handful of keys in a few KB; Google's set is about 1.5 KB. */
const defaultMaxBytes = 512 * 1024;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The key lookup for jose's `jwtVerify` against an identity provider's JWKS endpoint, in place of
 * jose's `createRemoteJWKSet`, whose timeout ends once headers arrive (a server that trickles the
 * body holds every request) and which buffers a body of any size. Here one deadline covers the
 * whole exchange and the body is counted as it arrives.
 *
 * Behaves like jose's otherwise: the set is cached, refetched when stale or when a token names a
 * `kid` it lacks, at most once per cooldown, and concurrent lookups share one fetch. A failed
 * fetch is `auth_unavailable` (503, with `Retry-After`); for the cooldown after it, lookups use the
 * last good set, or fail at once without a network call when there is none.
 *
 * @example
 * const keys = remoteKeySet({ url: new URL('https://idp.example.com/.well-known/jwks.json') });
 * const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ['RS256'] });
 */
export function remoteKeySet(options: RemoteKeySetOptions): JWTVerifyGetKey {
  const { url, timeoutMs = 5000, maxBytes = defaultMaxBytes, cooldownMs = 30_000, cacheMaxAgeMs = 600_000, now = Date.now } = options;
  let cached: { keys: LocalKeySet; fetchedAt: number } | undefined;
  let lastFetch: { at: number; failure?: string } | undefined;
  let inFlight: Promise<LocalKeySet> | undefined;

  const coolingDown = () => lastFetch !== undefined && now() < lastFetch.at + cooldownMs;

  /** The problem for the failure that started the current cooldown, with how long it has left. */
  const recentFailure = (): Problem | undefined => {
    if (!coolingDown() || lastFetch?.failure === undefined) return undefined;
    return unavailable(lastFetch.failure, lastFetch.at + cooldownMs - now());
  };

  const refresh = (): Promise<LocalKeySet> => {
    inFlight ??= fetchKeySet(url, timeoutMs, maxBytes).then(
      (keys) => {
        cached = { keys, fetchedAt: now() };
        lastFetch = { at: now() };
        return keys;
      },
      (error: unknown) => {
        const failure = error instanceof FetchFailure ? error.message : 'the fetch failed';
        lastFetch = { at: now(), failure };
        throw unavailable(failure, cooldownMs);
      },
    ).finally(() => { inFlight = undefined; });
    return inFlight;
  };

  const current = async (): Promise<LocalKeySet> => {
    if (cached && now() < cached.fetchedAt + cacheMaxAgeMs) return cached.keys;
    const failure = inFlight ? undefined : recentFailure();
    if (failure) {
      if (cached) return cached.keys;
      throw failure;
    }
    try {
      return await refresh();
    } catch (problem) {
      if (cached) return cached.keys;
      throw problem;
    }
  };

  return async (protectedHeader, token) => {
    const keys = await current();
    try {
      return await keys(protectedHeader, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A key the set lacks may be one the provider has just rotated in: look again, unless a fetch
      // ended within the cooldown, so tokens with made-up key ids cannot make us hammer the provider.
      if (!inFlight && coolingDown()) throw recentFailure() ?? error;
      return (await refresh())(protectedHeader, token);
    }
  };
}

/** Why a fetch failed, in words safe to show any caller: no URL, no body. */
class FetchFailure extends Error {}

function unavailable(failure: string, retryAfterMs: number): Problem {
  return new Problem(
    'auth_unavailable',
    `The identity provider's key set could not be fetched (${failure}); try again shortly.`,
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  );
}

/** GETs the key set and parses it, failing on anything but a 2xx JSON Web Key Set of at most `maxBytes`. */
async function fetchKeySet(url: URL, timeoutMs: number, maxBytes: number): Promise<LocalKeySet> {
  const body = await fetchBody(url, timeoutMs, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new FetchFailure('the answer is not JSON');
  }
  try {
    return createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]);
  } catch {
    throw new FetchFailure('the answer is not a JSON Web Key Set');
  }
}

/**
 * jose's own fetch (node:http too) times out only while waiting for the headers and then reads
 * the body to its end, however slow or large. Here the deadline runs until the last byte, and both
 * it and the size limit end the exchange by destroying the socket. No redirects are followed and
 * no compression is asked for, so the bytes counted are the bytes parsed.
 */
function fetchBody(url: URL, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (failure: string | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (failure === undefined) {
        resolve(body!);
      } else {
        request.destroy();
        reject(new FetchFailure(failure));
      }
    };
    const deadline = setTimeout(() => settle(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    const tooLarge = `the answer is over ${maxBytes} bytes`;
    const get = url.protocol === 'https:' ? https.get : http.get;
    const request = get(url, { headers: { accept: 'application/jwk-set+json, application/json' } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) return settle(`status ${status}`);
      if (Number(response.headers['content-length']) > maxBytes) return settle(tooLarge);
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) settle(tooLarge);
        else chunks.push(chunk);
      });
      response.on('end', () => settle(undefined, Buffer.concat(chunks)));
      response.on('close', () => settle('the connection closed before the answer ended'));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // System error codes (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED) help an operator and reveal nothing.
      settle(/^[A-Z_]+$/.test(error.code ?? '') ? `the connection failed: ${error.code}` : 'the connection failed');
    });
  });
}
