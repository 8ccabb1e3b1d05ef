import { authenticate } from './auth/authenticate';
import { anonymousCaller, Caller, resolveIdentity } from './auth/caller';
import { AuthConfig } from './auth/config';
import { use, Vendor } from './config/config';
import { corsHeaders } from './cors';
import { Limiter } from './limits/limiter';
import { RateLimitStatus, rateLimitHeaders } from './limits/rate-limit-fields';
import { LogFields } from './log';
import { asProblem, Problem } from './problem';
import { jsonReply, problemReply, Reply } from './reply';
import { readHeader, TokenRequest, withAliases } from './request/params';
import { Service } from './service';

/** What an endpoint produced: the answer, and the fields the request's log line records. */
export interface Outcome {
  reply: Reply;
  /** `outcome`, `code` on refusals, and what was issued: identity, grants, ttl … never the token. */
  log: LogFields;
}

/** An endpoint of the table (a token endpoint, or `/about`): a request and the running service in, an outcome out, whatever host carries it. */
export type Endpoint = (request: TokenRequest, service: Service) => Promise<Outcome>;

/** A minted token: the answer's body and the fields its log line records. */
export interface Issued {
  body: Record<string, unknown>;
  log: LogFields;
}

/**
 * Mints for an identity already authenticated, resolved and counted against its limit. Returns at
 * once when nothing needs waiting for, so a plain token costs no extra turn of the event loop.
 */
export type Issuer = (request: TokenRequest, service: Service, caller: Caller, identity: string) => Issued | Promise<Issued>;

/**
 * Wraps an issuer with what every token endpoint shares, in this order: CORS; the client
 * address's rate limit; the vendor's configuration (a broken deployment is never blamed on the
 * caller); caller authentication, with failures counted per address; the identity, with its own
 * rate limit; then the issuer. Any failure is the problem+json answer; a refused request mints
 * nothing. Every answer carries the `RateLimit` field of the limits it was counted against.
 * `aliases` are other names the endpoint accepts for a parameter (see `withAliases`).
 *
 * @example export const vonageTokenEndpoint = tokenEndpoint('vonage', issueVonageToken);
 */
export function tokenEndpoint(vendor: Vendor, issue: Issuer, aliases: Readonly<Record<string, string>> = {}): Endpoint {
  return async (received, service) => {
    const { config } = service;
    const limits: Array<RateLimitStatus | undefined> = [];
    let cors: Record<string, string> = { Vary: 'Origin' };
    let identity: string | undefined;
    try {
      cors = corsHeaders(readHeader(received.headers, 'origin'), use(config.cors));
      const request = { ...received, params: withAliases(received.params, aliases) };
      const limiter = use(service.limiter);
      limits.push(await limiter.checkIp(request.clientIp));
      use(config[vendor]);
      const auth = use(config.auth);
      const caller = auth.mode === 'none' ? anonymousCaller : await authenticateCounted(limiter, request, auth);
      identity = caller.identity;
      identity = resolveIdentity(request.params, caller);
      limits.push(await limiter.consumeIdentity(identity));
      const minted = issue(request, service, caller, identity);
      const issued = minted instanceof Promise ? await minted : minted;
      return { reply: jsonReply(200, issued.body, { ...cors, ...rateLimitHeaders(limits) }), log: { outcome: 'issued', ...issued.log } };
    } catch (error) {
      const problem = asProblem(error);
      return {
        reply: problemReply(problem, { ...cors, ...rateLimitHeaders(limits) }),
        log: {
          outcome: 'refused', code: problem.code, identity,
          // An unexpected error's message or stack could hold secrets: its class name is enough to start from.
          ...(error instanceof Problem ? {} : { error: error instanceof Error ? error.name : typeof error }),
        },
      };
    }
  };
}

/**
 * Authenticates with the attempt counted as a failure before it is judged, so parallel guesses
 * cannot all slip past the check; only credentials that were judged and refused keep the count.
 */
async function authenticateCounted(limiter: Limiter, request: TokenRequest, auth: AuthConfig): Promise<Caller> {
  const release = await limiter.reserveAuthFailure(request.clientIp);
  let caller: Caller;
  try {
    caller = await authenticate(request, auth);
  } catch (error) {
    if (!(error instanceof Problem && error.code === 'auth_invalid')) await release();
    throw error;
  }
  await release();
  return caller;
}

let lastSeconds = NaN;
let lastIso = '';

/**
 * A token's `exp` (seconds since the epoch) as the ISO 8601 UTC `expires_at` answers carry;
 * formatted once per second, since tokens issued in one second with one TTL share it.
 */
export function isoSeconds(seconds: number): string {
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastIso = new Date(seconds * 1000).toISOString();
  }
  return lastIso;
}
