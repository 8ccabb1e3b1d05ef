import { Env, readMilliseconds } from './config/env';
import { Problem } from './problem';
import type { ClientGone } from './request/params';

/**
 * Under Twilio Functions' 10-second execution limit, so even there a slow vendor ends in a problem
 * the caller can act on rather than Twilio's own timeout; far under the 30 s after which common
 * proxies and load balancers give up on an answer.
 */
const defaultBudgetMs = 8_000;
/** An answer must reach the caller before a 30 s proxy timeout, with room for the mint and the network. */
const maxBudgetMs = 25_000;
const minBudgetMs = 100;

/**
 * Reads `UPSTREAM_BUDGET_MS`: the milliseconds a token request may spend on upstream calls in all.
 *
 * @example readUpstreamBudget({ UPSTREAM_BUDGET_MS: '5000' }) // 5000
 */
export function readUpstreamBudget(env: Env): number {
  return readMilliseconds(env, 'UPSTREAM_BUDGET_MS', defaultBudgetMs, minBudgetMs, maxBudgetMs);
}

/**
 * One token request's time for upstream work, which every call it makes shares (a room, its
 * Conversation and a participant are up to seven sequential calls), and whether the client is still
 * waiting for the answer. Costs nothing until a call asks for a signal or an issuer asks whether the
 * client is still waiting: only then is the client's own signal made.
 *
 * @example
 * const deadline = new Deadline(8000, request.clientGone);
 * await fetch(url, { signal: deadline.signalFor(5000) });
 */
export class Deadline {
  /** On performance.now()'s clock, which no clock adjustment moves. */
  private readonly endsAt: number;

  constructor(budgetMs: number, private readonly client?: ClientGone, startedAt = performance.now()) {
    this.endsAt = startedAt + budgetMs;
  }

  /** Aborts when the client is gone, where the host can tell. */
  get clientGone(): AbortSignal | undefined {
    return this.client?.signal;
  }

  /** The same end, for work several requests share: it stops when `clientGone` says all of them left. */
  sharedBy(clientGone: ClientGone): Deadline {
    return new Deadline(this.endsAt - performance.now(), clientGone);
  }

  /**
   * The signal for one upstream call: it aborts after `capMs` (the call's own deadline) or when the
   * budget runs out, whichever comes first (a `TimeoutError`), and when the client goes away. A
   * spent budget is `upstream_unavailable` at once, before anything is sent.
   */
  signalFor(capMs: number): AbortSignal {
    const remaining = Math.floor(this.endsAt - performance.now());
    if (remaining <= 0) throw upstreamTimeout();
    // A timer and a listener that hold the controller, rather than AbortSignal.timeout and .any:
    // those signals are held weakly, and once one is garbage-collected during a call it never
    // fires (seen on Node 22.12: a fetch given AbortSignal.timeout waited past it).
    const call = new AbortController();
    setTimeout(() => call.abort(new DOMException('The call took longer than it may.', 'TimeoutError')), Math.min(capMs, remaining)).unref();
    const { clientGone } = this;
    if (clientGone?.aborted) call.abort(clientGone.reason);
    else clientGone?.addEventListener('abort', () => call.abort(clientGone.reason), { once: true });
    return call.signal;
  }

  /** Throws the client's leaving, so nothing is minted for a client that is gone. */
  ensureClientWaiting(): void {
    this.client?.signal.throwIfAborted();
  }
}

/** What a token request gives the vendor calls it makes. */
export interface UpstreamBudget {
  deadline: Deadline;
  /** Counts the request against the creation limits, once: call it before each create a vendor is asked for. */
  countCreation(): Promise<void>;
}

/** The vendor was too slow for the budget left: retried later, the call may well succeed. */
export function upstreamTimeout(): Problem {
  return new Problem('upstream_unavailable', 'The vendor did not answer within the time this request allows (UPSTREAM_BUDGET_MS).');
}
