import { Problem } from './problem';

/** An HTTP answer, independent of the host that sends it: a JSON body, or text sent as it is (see `replyText`). */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: object | string;
  /** The JSON body as text, where it was written already (`tokenReply`). */
  text?: string;
}

/** A token answer's body: the token first, then what the app needs to know about it. */
export type TokenBody = { token: string } & Record<string, unknown>;

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
 * A token answer: `body` as JSON, with its text written around the token rather than through it.
 * Tokens are base64 or base64url segments joined by dots, none of which JSON escapes, so only the
 * other members go through JSON.stringify: the whole body through it was about 3% of a `/token`
 * request's CPU in the Node host (interleaved A/B). The text is what JSON.stringify(body) writes.
 *
 * @example replyText(tokenReply(200, { token: 'e30.e30.c2ln', ttl: 60 })) // '{"token":"e30.e30.c2ln","ttl":60}'
 */
export function tokenReply(status: number, body: TokenBody, headers: Record<string, string> = {}): Reply {
  const { token, ...members } = body;
  const rest = JSON.stringify(members);
  return { ...jsonReply(status, body, headers), text: `{"token":"${token}"${rest === '{}' ? '}' : `,${rest.slice(1)}`}` };
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
  if (reply.text !== undefined) return reply.text;
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
