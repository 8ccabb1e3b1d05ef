import { Problem } from './problem';

/** An HTTP answer, independent of the host that sends it. Each host serialises `body` as JSON. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: object;
}

/** Tokens and problems alike are per-request secrets or states: never cached anywhere. */
const noStore = { 'Cache-Control': 'no-store' };

export function jsonReply(status: number, body: object, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { ...headers, ...noStore, 'Content-Type': 'application/json; charset=utf-8' },
    body,
  };
}

/**
 * The only place a problem becomes an answer: RFC 9457 body, problem+json type, no-store.
 * `status` overrides the code's own status where the same problem means something else to the
 * caller: a configuration problem is a 500 to a token request but a 503 to a readiness probe.
 * The body's `status` always equals the answer's, as RFC 9457 requires.
 */
export function problemReply(problem: Problem, headers: Record<string, string> = {}, status = problem.status): Reply {
  return {
    status,
    headers: { ...headers, ...problem.headers, ...noStore, 'Content-Type': 'application/problem+json; charset=utf-8' },
    body: { ...problem.toBody(), status },
  };
}
