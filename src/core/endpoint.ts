import { authenticate } from './auth/authenticate';
import { Caller } from './auth/caller';
import { Env } from './config/env';
import { corsHeaders, readOriginPolicy } from './cors';
import { logEvent } from './log';
import { asProblem } from './problem';
import { Reply, jsonReply, problemReply } from './reply';
import { readHeader, TokenRequest } from './request/params';

/** What a host offers the core: its variables and, on Twilio, its private assets. */
export interface Host {
  env: Env;
  /** The text of a private asset by its path (e.g. `/vonage-private.key`), where the host has them. */
  readPrivateAsset?: (path: string) => string | undefined;
}

/** A token endpoint: a request in, an answer out, whatever host carries it. */
export type Endpoint = (request: TokenRequest, host: Host) => Promise<Reply>;

/** A minted token: the answer's body and the fields its log line records. */
export interface Issued {
  body: Record<string, unknown>;
  log: Record<string, unknown>;
}

/** Facts learnt while handling a request that a refusal's log line should keep. */
export interface Trace {
  identity?: string;
}

export type Issuer = (request: TokenRequest, host: Host, caller: Caller, trace: Trace) => Issued | Promise<Issued>;

/**
 * Wraps an issuer with what every token endpoint shares: CORS, caller authentication, no-store,
 * the problem+json answer for any failure and exactly one log line per issued or refused token.
 *
 * @example export const vonageTokenEndpoint = tokenEndpoint('/vonage-token', issueVonageToken);
 */
export function tokenEndpoint(path: string, issue: Issuer): Endpoint {
  return async (request, host) => {
    const trace: Trace = {};
    let cors: Record<string, string> = { Vary: 'Origin' };
    try {
      cors = corsHeaders(readHeader(request.headers, 'origin'), readOriginPolicy(host.env));
      const caller = await authenticate(request.params, request.headers, host);
      trace.identity = caller.identity;
      const issued = await issue(request, host, caller, trace);
      logEvent({ event: 'token', endpoint: path, outcome: 'issued', status: 200, ...issued.log });
      return jsonReply(200, issued.body, cors);
    } catch (error) {
      const problem = asProblem(error);
      logEvent({
        event: 'token', endpoint: path, outcome: 'refused', status: problem.status, code: problem.code,
        identity: trace.identity,
      });
      return problemReply(problem, cors);
    }
  };
}

/** A token's `exp` (seconds since the epoch) as the ISO 8601 UTC `expires_at` answers carry. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
