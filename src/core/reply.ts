import { Problem } from './problem';

/** An HTTP answer, independent of the host that sends it: a JSON body, or text sent as it is (see `replyText`). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: object | string;
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
 * A text answer: the Voice quickstarts read the token as the whole body. Failures are never text:
 * they stay problem+json (`problemReply`).
 *
 * @example textReply(200, token, cors).headers['Content-Type'] // 'text/plain; charset=utf-8'
 */
export function textReply(status: number, text: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...headers, ...noStore, 'Content-Type': 'text/plain; charset=utf-8' }, body: text };
}

/**
 * The body as the bytes a host sends: text as it is, anything else as JSON.
 *
 * @example replyText(jsonReply(200, { ok: true })) // '{"ok":true}'
 */
export function replyText(reply: Reply): string {
  return typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
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
