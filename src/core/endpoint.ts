import { authenticate } from './auth/authenticate';
import { Caller } from './auth/caller';
import { Config, use } from './config/config';
import { corsHeaders } from './cors';
import { LogFields } from './log';
import { asProblem, Problem } from './problem';
import { jsonReply, problemReply, Reply } from './reply';
import { readHeader, TokenRequest } from './request/params';

/** What an endpoint produced: the answer, and the fields the request's log line records. */
export interface Outcome {
  reply: Reply;
  /** `outcome`, `code` on refusals, and what was issued: identity, grants, ttl … never the token. */
  log: LogFields;
}

/** A token endpoint: a request and the configuration in, an outcome out, whatever host carries it. */
export type Endpoint = (request: TokenRequest, config: Config) => Promise<Outcome>;

/** A minted token: the answer's body and the fields its log line records. */
export interface Issued {
  body: Record<string, unknown>;
  log: LogFields;
}

/** Facts learnt while handling a request that a refusal's log line should keep. */
export interface Trace {
  identity?: string;
}

export type Issuer = (request: TokenRequest, config: Config, caller: Caller, trace: Trace) => Issued | Promise<Issued>;

/**
 * Wraps an issuer with what every token endpoint shares: CORS, caller authentication, no-store,
 * and the problem+json answer for any failure.
 *
 * @example export const vonageTokenEndpoint = tokenEndpoint(issueVonageToken);
 */
export function tokenEndpoint(issue: Issuer): Endpoint {
  return async (request, config) => {
    const trace: Trace = {};
    let cors: Record<string, string> = { Vary: 'Origin' };
    try {
      cors = corsHeaders(readHeader(request.headers, 'origin'), use(config.cors));
      const caller = await authenticate(request, use(config.auth));
      trace.identity = caller.identity;
      const issued = await issue(request, config, caller, trace);
      return { reply: jsonReply(200, issued.body, cors), log: { outcome: 'issued', ...issued.log } };
    } catch (error) {
      const problem = asProblem(error);
      return {
        reply: problemReply(problem, cors),
        log: {
          outcome: 'refused', code: problem.code, identity: trace.identity,
          // An unexpected error's message or stack could hold secrets: its class name is enough to start from.
          ...(error instanceof Problem ? {} : { error: error instanceof Error ? error.name : typeof error }),
        },
      };
    }
  };
}

/** A token's `exp` (seconds since the epoch) as the ISO 8601 UTC `expires_at` answers carry. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
