import { cachedAnswer, TokenAnswer, TokenSource, TokenSourceError } from './token-source';

export interface SupplyOptions {
  /** Every failure to get or hand over a token; the adapter retries by itself. */
  onError?: (error: unknown) => void;
}

/** What keeps one client supplied; the adapters wire the vendor's events to `renew`. */
export interface Supply {
  /**
   * The SDK says its token is about to expire, or has: hands it one newer than the one it holds
   * (fetched now if the cached answer is that very token), through `via` when renewing takes
   * another call than the usual hand-over (a new Vonage session after the old one expired).
   */
  renew(via?: (token: string) => unknown): Promise<void>;
  stop(): void;
}

/** Without a Retry-After, a failed fetch is tried again this long after. */
const retryDelayMs = 10_000;

/**
 * Failures that pass by themselves: no answer, a limit, an outage. A refusal of the request or
 * the credential (400, 401, 403) would be refused again, so it is reported and not retried.
 */
function passes(error: unknown): boolean {
  if (!(error instanceof TokenSourceError)) return false;
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * Keeps one SDK client holding a fresh token from `source`, whatever its own events do:
 * - every answer the source fetches is handed to the client once, through `handOver`;
 * - a timer fetches when the answer goes stale, so no SDK warning is needed (Voice arms
 *   `tokenWillExpire` only when its signaling connects; Conversations never warns about a TTL
 *   shorter than its threshold);
 * - a tab coming back into view checks at once: browsers throttle or freeze a hidden tab's timers;
 * - a failure that passes by itself (no answer, 429, 5xx) is tried again after the service's
 *   Retry-After, else after 10 s; any other is reported and waits for the SDK's next event.
 * `holding` is the token the client was made with, so it is not handed the same one again.
 *
 * @example const supply = keepSupplied(source, (token) => device.updateToken(token), device.token);
 */
export function keepSupplied(
  source: TokenSource, handOver: (token: string) => unknown, holding: string | undefined, options: SupplyOptions = {},
): Supply {
  let held = holding;
  /** How an answer reaches the client: `handOver`, or a renewal's own call while one runs. */
  let route = handOver;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const report = (error: unknown) => {
    if (!stopped) options.onError?.(error);
  };
  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(check, Math.max(0, delayMs));
  };
  const give = (token: string, via: (token: string) => unknown) => {
    held = token;
    try {
      Promise.resolve(via(token)).catch(report);
    } catch (error) {
      report(error);
    }
  };
  const deliver = (answer: TokenAnswer) => {
    if (stopped) return;
    if (answer.token !== held) give(answer.token, route);
    schedule((cachedAnswer(source)?.staleAt ?? Date.now()) - Date.now());
  };
  const failed = (error: unknown) => {
    report(error);
    if (passes(error)) schedule(error instanceof TokenSourceError && error.retryAfter !== undefined ? error.retryAfter * 1000 : retryDelayMs);
  };
  // Answers arrive through onToken; `get()` only adds one when the cached answer is not yet held.
  const check = () => source.get().then(deliver, failed);
  const unsubscribe = source.onToken(deliver);
  const onVisibility = () => {
    if (document.visibilityState === 'visible') void check();
  };
  // A worker has no document: its timers are not frozen the same way, and nothing comes into view.
  const visible = typeof document === 'undefined' ? undefined : document;
  visible?.addEventListener('visibilitychange', onVisibility);
  void check();

  return {
    async renew(via = handOver) {
      route = via;
      try {
        // A fresh answer reaches `deliver` (and so the client) through onToken, by `route`.
        const answer = await source.get();
        if (answer.token === held) await source.refresh();
        else if (!stopped) give(answer.token, via);
      } catch (error) {
        failed(error);
      } finally {
        route = handOver;
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
      visible?.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
