import { authenticate, refuseCredentialsInUrl } from './auth/authenticate';
import { anonymousCaller, Caller, resolveIdentity } from './auth/caller';
import { AuthConfig } from './auth/config';
import { use, Vendor } from './config/config';
import { corsHeaders } from './cors';
import { Deadline, UpstreamBudget } from './deadline';
import { Limiter } from './limits/limiter';
import { RateLimitStatus, rateLimitHeaders } from './limits/rate-limit-fields';
import { LogFields } from './log';
import type { TokenKind } from './metrics/metrics';
import { asProblem, Problem, ProblemCode } from './problem';
import { problemReply, Reply, TokenBody, tokenReply } from './reply';
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

/** A minted token: what kind it is, the answer's body and the fields its log line records. */
export interface Issued {
  kind: TokenKind;
  body: TokenBody;
  log: LogFields;
}

/**
 * A request as an issuer gets it: aliases folded; the deadline its upstream calls share; and the
 * creation limits (`rate_limited` past them), counted once however often `countCreation` is
 * called, just before an upstream create, which a known room or user never reaches.
 */
export interface IssueRequest extends TokenRequest, UpstreamBudget {}

/**
 * Mints for an identity already authenticated, resolved and counted against its limit. Returns at
 * once when nothing needs waiting for, so a plain token costs no extra turn of the event loop.
 * Before minting after upstream work, it calls `deadline.ensureClientWaiting()`.
 */
export type Issuer = (request: IssueRequest, service: Service, caller: Caller, identity: string) => Issued | Promise<Issued>;

/**
 * Wraps an issuer with what every token endpoint shares, in this order: CORS; the client
 * address's rate limit; no credential in the URL; the vendor's configuration (a broken deployment
 * is never blamed on the caller); caller authentication, with failures counted per address; the
 * identity, with its own rate limit; then the issuer. Any failure is the problem+json answer; a refused request mints
 * nothing. Every answer carries the `RateLimit` field of the limits it was counted against. The
 * request's upstream calls share one deadline, `UPSTREAM_BUDGET_MS` from its start; a request
 * whose client left is logged `abandoned`, and its answer goes nowhere. Every token and every
 * refusal is counted in the service's metrics (an abandoned request is neither).
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
      const limiter = use(service.limiter);
      let counted: Promise<void> | undefined;
      const request = {
        ...received,
        params: withAliases(received.params, aliases),
        deadline: new Deadline(use(config.upstreamBudgetMs), received.clientGone),
        // Issuers get the request once its identity is resolved.
        countCreation: () => (counted ??= limiter.consumeCreation(received.clientIp, identity!).then((statuses) => {
          limits.push(...statuses);
        })),
      };
      limits.push(await limiter.checkIp(request.clientIp));
      refuseCredentialsInUrl(request);
      use(config[vendor]);
      const auth = use(config.auth);
      const caller = auth.mode === 'none' ? anonymousCaller : await authenticateCounted(limiter, request, auth);
      identity = caller.identity;
      identity = resolveIdentity(request.params, caller);
      limits.push(await limiter.consumeIdentity(identity));
      const minted = issue(request, service, caller, identity);
      const issued = minted instanceof Promise ? await minted : minted;
      service.metrics.tokenIssued(vendor, issued.kind);
      return { reply: tokenReply(200, issued.body, { ...cors, ...rateLimitHeaders(limits) }), log: { outcome: 'issued', ...issued.log } };
    } catch (error) {
      const problem = asProblem(error);
      if (received.clientGone?.signal.aborted) return { reply: problemReply(problem, cors), log: { outcome: 'abandoned', identity } };
      service.metrics.tokenRefused(vendor, problem.code);
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
 * What any token endpoint may refuse with, whatever its parameters, in the order of its steps:
 * the address's limit, no credential in the URL, the vendor's configuration, caller authentication (with its grants claim),
 * the identity's limit, the shared store it is counted in; anything unexpected. For the API
 * description, beside the pipeline it describes.
 */
export const pipelineRefusals: readonly ProblemCode[] = [
  'rate_limited', 'credentials_in_url', 'config_missing', 'config_invalid', 'auth_required', 'auth_invalid', 'auth_unavailable',
  'identity_mismatch', 'grant_forbidden', 'state_unavailable', 'internal_error',
];

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
