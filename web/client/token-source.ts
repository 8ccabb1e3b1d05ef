/** The endpoint's JSON answer: `/token` and `/vonage-token` both carry these, and more per vendor. */
export interface TokenAnswer {
  token: string;
  identity: string;
  /** ISO 8601, the token's `exp`. */
  expires_at: string;
  /** The token's lifetime in seconds, when the endpoint says (both of this service's do). */
  ttl?: number;
  [field: string]: unknown;
}

export interface TokenSourceOptions {
  /** The token endpoint: `https://tokens.example.com/token` or `/vonage-token`. */
  url: string;
  /** The request's parameters, sent as a JSON POST body: `{ identity: 'alice', grants: 'voice' }`. */
  params?: Record<string, unknown>;
  /** Extra request headers, such as `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /**
   * Seconds before `expires_at` an answer counts as stale and is fetched again (default 60, as
   * SDKs warn a minute ahead). A token living less than twice this is stale halfway through its
   * life instead, so a short TTL is still used rather than fetched on every call.
   */
  refreshMargin?: number;
  /** Deadline for one request, in seconds (default 10). */
  timeout?: number;
}

/**
 * A failed fetch. `status` is the HTTP status (0 when no answer arrived), `code` the problem's
 * `code` (`rate_limited`, `auth_invalid` …, or `network_error`, `timeout`, `answer_invalid`),
 * `retryAfter` the seconds the service asked to wait (its `Retry-After`), when it did.
 */
export class TokenSourceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: number;

  constructor(message: string, status: number, code: string, retryAfter?: number) {
    super(message);
    this.name = 'TokenSourceError';
    this.status = status;
    this.code = code;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
  }
}

type Listener = (answer: TokenAnswer) => void;

/** Each source's cached answer and when it goes stale (ms since the epoch): the adapters schedule by it, apps need not. */
const cache = new WeakMap<TokenSource, { answer: TokenAnswer; staleAt: number }>();

/**
 * `source`'s cached answer and the instant it goes stale, or undefined before its first answer. For the adapters.
 *
 * @example cachedAnswer(source)?.staleAt // 1796196340000
 */
export function cachedAnswer(source: TokenSource): { answer: TokenAnswer; staleAt: number } | undefined {
  return cache.get(source);
}

/**
 * Keeps an app supplied with tokens from this service: one request at a time, the answer cached
 * until it is stale, and no request at all while the service has asked to wait (`Retry-After`).
 * Staleness is judged when `get()` is called, by the clock at that moment, so an answer fetched
 * before a laptop slept is never handed out after it wakes.
 *
 * @example
 * const source = new TokenSource({ url: 'https://tokens.example.com/token', params: { identity: 'alice' } });
 * const { token } = await source.get();
 */
export class TokenSource {
  readonly #options: Required<Omit<TokenSourceOptions, 'headers' | 'params'>> & Pick<TokenSourceOptions, 'headers' | 'params'>;
  #pending: Promise<TokenAnswer> | undefined;
  /** The refusal that asked to wait, and until when (ms since the epoch). */
  #waiting: { error: TokenSourceError; until: number } | undefined;
  readonly #listeners = new Set<Listener>();

  constructor(options: TokenSourceOptions) {
    if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('TokenSource needs the endpoint\'s url.');
    for (const name of ['refreshMargin', 'timeout'] as const) {
      const value = options[name];
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
        throw new TypeError(`TokenSource's ${name} must be a number of seconds.`);
      }
    }
    this.#options = { refreshMargin: 60, timeout: 10, ...options };
  }

  /** The cached answer while it is fresh (no request); otherwise the answer of one request that concurrent calls share. */
  get(): Promise<TokenAnswer> {
    const cached = cache.get(this);
    if (cached !== undefined && Date.now() < cached.staleAt) return Promise.resolve(cached.answer);
    return this.refresh();
  }

  /** Fetches now (or joins the request under way). Rejects at once, without a request, while a `Retry-After` runs. */
  refresh(): Promise<TokenAnswer> {
    if (this.#pending) return this.#pending;
    if (this.#waiting !== undefined) {
      if (Date.now() < this.#waiting.until) return Promise.reject(this.#waiting.error);
      this.#waiting = undefined;
    }
    const pending = this.#fetch().finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    return pending;
  }

  /** Calls `listener` after every successful fetch, with the answer. Returns the function that stops it. */
  onToken(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  async #fetch(): Promise<TokenAnswer> {
    const { url, params = {}, headers = {}, timeout } = this.#options;
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), timeout * 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(params),
        signal: abort.signal,
        // A token is a per-request secret: never from or into the HTTP cache.
        cache: 'no-store',
      });
    } catch {
      throw abort.signal.aborted
        ? new TokenSourceError(`No answer from ${url} within ${timeout} s.`, 0, 'timeout')
        : new TokenSourceError(`${url} could not be reached (offline, or refused by CORS).`, 0, 'network_error');
    } finally {
      clearTimeout(deadline);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw this.#refused(response, body);
    const answer = readAnswer(body, response.status);
    cache.set(this, { answer, staleAt: this.#staleTime(answer, Date.now()) });
    for (const listener of [...this.#listeners]) {
      try {
        listener(answer);
      } catch (error) {
        // One listener's bug must not cost the others their token, nor the caller its answer.
        queueMicrotask(() => { throw error; });
      }
    }
    return answer;
  }

  /** The error for a refusal; with `Retry-After`, it is also the answer to every call until then. */
  #refused(response: Response, body: unknown): TokenSourceError {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; detail?: unknown; title?: unknown };
    const retryAfter = readRetryAfter(response.headers.get('Retry-After'), Date.now());
    const error = new TokenSourceError(
      typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : `HTTP ${response.status}`,
      response.status,
      typeof problem.code === 'string' ? problem.code : `http_${response.status}`,
      retryAfter,
    );
    if (retryAfter !== undefined) this.#waiting = { error, until: Date.now() + retryAfter * 1000 };
    return error;
  }

  /**
   * Stale `refreshMargin` before expiry, or halfway through a shorter life. Expiry is the earlier of
   * `expires_at` and arrival plus `ttl`: a device clock running behind the server's would otherwise
   * hold an expired token for fresh.
   */
  #staleTime(answer: TokenAnswer, receivedAt: number): number {
    const expiresAt = Math.min(
      Date.parse(answer.expires_at),
      typeof answer.ttl === 'number' ? receivedAt + answer.ttl * 1000 : Infinity,
    );
    const lifetime = Math.max(0, expiresAt - receivedAt);
    return expiresAt - Math.min(this.#options.refreshMargin * 1000, lifetime / 2);
  }
}

function readAnswer(body: unknown, status: number): TokenAnswer {
  const answer = body as Partial<TokenAnswer> | undefined;
  if (typeof answer?.token !== 'string' || typeof answer.expires_at !== 'string' || Number.isNaN(Date.parse(answer.expires_at))) {
    throw new TokenSourceError('The answer is not a token endpoint\'s JSON (token, expires_at).', status, 'answer_invalid');
  }
  return answer as TokenAnswer;
}

/**
 * `Retry-After` in seconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when
 * absent or unreadable.
 */
function readRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
