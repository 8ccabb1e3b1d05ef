import type { Vendor } from '../config/config';
import type { ProblemCode } from '../problem';

/** The upstream APIs this service calls, as the `upstream` label names them. */
export const upstreams = ['twilio_video', 'twilio_conversations', 'vonage_video', 'vonage_users'] as const;
export type Upstream = (typeof upstreams)[number];

/**
 * How one upstream request ended: the class of the status it answered with, or why there was no
 * usable answer (no answer within the deadline, no connection, an answer too large or unreadable,
 * anything else).
 */
export const upstreamOutcomes = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'unreachable', 'bad_answer', 'error'] as const;
export type UpstreamOutcome = (typeof upstreamOutcomes)[number];

/** What a token is: a Twilio Access Token, a Vonage Client SDK or Video token. */
export const tokenKinds = ['access', 'client', 'video'] as const;
export type TokenKind = (typeof tokenKinds)[number];

/**
 * What the core counts as it works, for a host that exposes it (the Node host's `/metrics`). Every
 * label value comes from a closed set the code defines (vendors, kinds, problem codes, upstreams,
 * outcomes): never an identity, a room, an address or anything else a caller chose. Called on the
 * token path, so an implementation must cost next to nothing per call.
 */
export interface Metrics {
  tokenIssued(vendor: Vendor, kind: TokenKind): void;
  tokenRefused(vendor: Vendor, code: ProblemCode): void;
  upstreamRequest(upstream: Upstream, outcome: UpstreamOutcome, seconds: number): void;
}

/** Counts nothing: where there is nothing to scrape (Twilio Functions), and until a host asks for more. */
export const noMetrics: Metrics = {
  tokenIssued: () => undefined,
  tokenRefused: () => undefined,
  upstreamRequest: () => undefined,
};

/**
 * The class of an HTTP status, as the `status_class` and `outcome` labels carry it.
 *
 * @example statusClass(404) // '4xx'
 */
export function statusClass(status: number): '2xx' | '3xx' | '4xx' | '5xx' | 'error' {
  const digit = Math.floor(status / 100);
  return digit >= 2 && digit <= 5 ? (`${digit}xx` as '2xx' | '3xx' | '4xx' | '5xx') : 'error';
}

/**
 * Runs one request to an upstream API, recording how long it took and how it ended: `2xx` when it
 * resolves, else what `outcomeOf` makes of the failure, which is rethrown unchanged.
 *
 * @example await timeUpstream(metrics, 'twilio_video', twilioOutcome, () => rooms('standup').fetch())
 */
export async function timeUpstream<T>(
  metrics: Metrics, upstream: Upstream, outcomeOf: (error: unknown) => UpstreamOutcome, request: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const answer = await request();
    metrics.upstreamRequest(upstream, '2xx', (performance.now() - started) / 1000);
    return answer;
  } catch (error) {
    metrics.upstreamRequest(upstream, outcomeOf(error), (performance.now() - started) / 1000);
    throw error;
  }
}
