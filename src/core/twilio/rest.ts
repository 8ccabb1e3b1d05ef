import { AsyncLocalStorage } from 'node:async_hooks';
import type TwilioSDK from 'twilio';
import type TwilioServiceException from 'twilio/lib/base/TwilioServiceException';
import { Metrics, statusClass, timeUpstream, Upstream, UpstreamOutcome } from '../metrics/metrics';
import type { Deadline, UpstreamBudget } from '../deadline';
import { Problem } from '../problem';
import { regionalBaseUrl, TwilioRegion } from './regions';

/** What the REST calls need, filled from the validated configuration. */
export interface TwilioRestOptions {
  accountSid: string;
  /** API Key SID (SK…) and secret: the REST API's Basic credentials, with `accountSid` naming the account. */
  apiKey: string;
  apiSecret: string;
  /** Region the account's data and the API key live in; without it, US1. */
  region?: TwilioRegion;
  /** Replaces `https://video.twilio.com` (or the Region's host): a stand-in for tests or staging. */
  videoBaseUrl?: string;
  /** Replaces `https://conversations.twilio.com` (or the Region's host). */
  conversationsBaseUrl?: string;
  /**
   * The most one REST request may take, from connecting to the answer's last byte (5000 in
   * production); less when the token request's deadline leaves less.
   */
  timeoutMs: number;
}

export type TwilioRestClient = TwilioSDK.Twilio;

/** Twilio's answer to a failed request: its HTTP status and, when it sent one, its error code. */
export interface TwilioFailure {
  status: number;
  code?: number;
}

/** A room or conversation answer is ~1 KB and an error ~200 bytes; anything near this is not Twilio. */
const maxAnswerBytes = 64 * 1024;

const clients = new WeakMap<TwilioRestOptions, TwilioRestClient>();

/**
 * The deadline of the token request whose calls are running. twilio's resource methods take no
 * per-call options, and its client is shared by every request (creating one costs ~30 ms), so the
 * deadline reaches the HTTP layer through the calls' async context.
 */
const requestDeadline = new AsyncLocalStorage<Deadline>();

/**
 * Runs REST calls under a token request's deadline: each gets what is left of it (at most the
 * client's `timeoutMs`), and all stop when its client goes away.
 *
 * @example await underDeadline(request.deadline, () => rooms('standup').fetch())
 */
export function underDeadline<T>(deadline: Deadline, calls: () => Promise<T>): Promise<T> {
  return requestDeadline.run(deadline, calls);
}

/**
 * The REST client for these options, created on first use and kept for as long as the options
 * object lives (the validated configuration lives as long as the warm container).
 *
 * @example await twilioRestClient(options).video.v1.rooms('standup').fetch()
 */
export function twilioRestClient(options: TwilioRestOptions): TwilioRestClient {
  let client = clients.get(options);
  if (client === undefined) {
    client = createClient(options);
    clients.set(options, client);
  }
  return client;
}

function createClient(options: TwilioRestOptions): TwilioRestClient {
  const twilio = loadTwilio();
  const httpClient = new twilio.RequestClient({ timeout: options.timeoutMs });
  // RequestClient's `timeout` only bounds connecting and each silence on the socket: an answer that
  // trickles in a byte at a time holds the request forever (tested). The signal bounds it whole.
  httpClient.axios.interceptors.request.use((config) => {
    config.signal = requestDeadline.getStore()?.signalFor(options.timeoutMs) ?? AbortSignal.timeout(options.timeoutMs);
    // Every request carries the API key's Basic credentials: no redirect may take them elsewhere.
    config.maxRedirects = 0;
    return config;
  });
  httpClient.axios.interceptors.response.use(checkAnswer);
  // Counted after decompression: a 1 KB gzip answer that inflates to 1 MB is refused too (tried).
  httpClient.axios.defaults.maxContentLength = maxAnswerBytes;

  // The client rewrites every request's host from its region and edge, falling back to the
  // process's TWILIO_REGION and TWILIO_EDGE, and mangles two-label hosts (`stub.test` becomes
  // `stub.test.stub.test`). The base URLs set below are complete, so hosts pass through unchanged.
  class Client extends twilio.Twilio {
    override getHostname(hostname: string): string {
      return hostname;
    }
  }
  const client = new Client(options.apiKey, options.apiSecret, {
    accountSid: options.accountSid,
    httpClient,
    // Unset, it is read from the process's TWILIO_LOG_LEVEL, where 'debug' logs every request.
    logLevel: 'info',
  });
  client.video.baseUrl = options.videoBaseUrl ?? regionalBaseUrl('video', options.region);
  client.conversations.baseUrl = options.conversationsBaseUrl ?? regionalBaseUrl('conversations', options.region);
  return client;
}

/**
 * An answer twilio may build a resource from. A redirect is an error (twilio's resource methods
 * would take a 3xx answer's body for the resource; Twilio's REST API answers its resources
 * directly), and a success must be a JSON object, as Twilio's API reference describes every
 * resource: from `null` twilio throws a TypeError, from `[]` it builds a resource with no fields.
 */
function checkAnswer<A extends { status: number; data: unknown }>(answer: A): A {
  if (answer.status >= 300 && answer.status < 400) {
    throw new Problem('upstream_error', `Twilio answered with a redirect (HTTP ${answer.status}), which is not followed.`, {}, { vendor_code: answer.status });
  }
  const { data } = answer;
  if (answer.status < 300 && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new Problem('upstream_error', "Twilio's answer is not the JSON object its API reference describes.", {}, { vendor_code: answer.status });
  }
  return answer;
}

/**
 * twilio's REST client, loaded on first use: `require('twilio')` takes 130-160 ms and ~28 MB of
 * memory, and the client with its two domains ~30 ms more (measured with `node -e` on this 2-core
 * host). Only requests that create rooms or conversations need it.
 */
function loadTwilio(): typeof TwilioSDK {
  return require('twilio');
}

/**
 * Fetches a resource by unique name, or creates it when Twilio answers 404, under the request's
 * deadline; a create is counted against the request's creation limits first. A create refused with
 * `duplicateCode` lost a race with a concurrent request, so the resource is fetched again.
 *
 * @example await fetchOrCreate('room', 53113, request, () => rooms('standup').fetch(), () => rooms.create({ uniqueName: 'standup' }))
 */
export function fetchOrCreate<T>(
  resource: string, duplicateCode: number, budget: UpstreamBudget, fetch: () => Promise<T>, create: () => Promise<T>,
): Promise<T> {
  const counted = async () => {
    await budget.countCreation();
    return create();
  };
  return underDeadline(budget.deadline, () => fetchElseCreate(resource, duplicateCode, fetch, counted));
}

async function fetchElseCreate<T>(resource: string, duplicateCode: number, fetch: () => Promise<T>, create: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if (twilioFailure(error)?.status !== 404) throw upstreamProblem(error, `fetch the ${resource}`);
  }
  try {
    return await create();
  } catch (error) {
    if (twilioFailure(error)?.code !== duplicateCode) throw upstreamProblem(error, `create the ${resource}`);
  }
  try {
    return await fetch();
  } catch (error) {
    throw upstreamProblem(error, `fetch the ${resource}`);
  }
}

/**
 * A name as one segment of a REST path. twilio puts names into paths unescaped, so `a/b` or `a?b`
 * would address another resource; `.` and `..` would climb the path even escaped (WHATWG URL).
 *
 * @example twilioPathSegment('room', 'team a/b') // 'team%20a%2Fb'
 */
export function twilioPathSegment(what: string, name: string): string {
  if (name === '.' || name === '..') {
    throw new Problem('param_invalid', `A ${what} name cannot be "." or "..": Twilio addresses it by name in a URL path.`);
  }
  return encodeURIComponent(name);
}

/** Twilio's answer when `error` is one (both its legacy and its RFC 9457 error bodies), else undefined. */
export function twilioFailure(error: unknown): TwilioFailure | undefined {
  if (!(error instanceof Error) || isAxiosError(error)) return undefined;
  const twilio = loadTwilio();
  const { default: ServiceException } = require('twilio/lib/base/TwilioServiceException') as { default: typeof TwilioServiceException };
  if (!(error instanceof twilio.RestException || error instanceof ServiceException)) return undefined;
  const code: unknown = error.code;
  return { status: error.status, code: typeof code === 'number' && code > 0 ? code : undefined };
}

/**
 * The problem a failed REST call answers with. Twilio's own error answer is `upstream_error`
 * carrying Twilio's code as `vendor_code`; no answer in time or no connection is
 * `upstream_unavailable`. Details name the step, statuses and codes: never credentials or what was sent.
 * Anything else (a bug) is returned as it is.
 */
export function upstreamProblem(error: unknown, step: string): unknown {
  if (error instanceof Problem) return error;
  const failure = twilioFailure(error);
  if (failure) {
    const withCode = failure.code === undefined ? '' : ` with error ${failure.code}`;
    return new Problem(
      'upstream_error', `Twilio answered HTTP ${failure.status}${withCode} when asked to ${step}.`,
      {}, failure.code === undefined ? {} : { vendor_code: failure.code },
    );
  }
  if (isAxiosError(error)) {
    switch (error.code) {
      case 'ERR_CANCELED': // the call's signal: its deadline, the request's, or the client gone
      case 'ECONNABORTED': // axios's connect and idle timeout
      case 'ETIMEDOUT':
        return new Problem('upstream_unavailable', `Twilio did not answer in time when asked to ${step}.`);
      case 'ERR_BAD_RESPONSE':
        return new Problem('upstream_error', `Twilio's answer when asked to ${step} was cut off or larger than ${maxAnswerBytes} bytes.`);
      default: {
        const reason = error.code !== undefined && /^[A-Z][A-Z0-9_]*$/.test(error.code) ? ` (${error.code})` : '';
        return new Problem('upstream_unavailable', `Twilio could not be reached${reason} when asked to ${step}.`);
      }
    }
  }
  return error;
}

/**
 * One REST request at a time, timed and counted in `metrics` under `upstream`.
 *
 * @example const timed = twilioTimer(metrics, 'twilio_video'); await timed(() => rooms('standup').fetch())
 */
export function twilioTimer(metrics: Metrics, upstream: Upstream): <T>(request: () => Promise<T>) => Promise<T> {
  return (request) => timeUpstream(metrics, upstream, twilioOutcome, request);
}

/** How a failed REST request ended, in the terms {@link upstreamProblem} uses to answer it. */
function twilioOutcome(error: unknown): UpstreamOutcome {
  if (error instanceof Problem) {
    // checkAnswer's refusals: a redirect, or a success that is not the resource.
    const status = error.extensions.vendor_code;
    return typeof status === 'number' && status >= 300 && status < 400 ? '3xx' : 'bad_answer';
  }
  const failure = twilioFailure(error);
  if (failure) return statusClass(failure.status);
  if (isAxiosError(error)) {
    switch (error.code) {
      case 'ERR_CANCELED':
      case 'ECONNABORTED':
      case 'ETIMEDOUT':
        return 'timeout';
      case 'ERR_BAD_RESPONSE':
        return 'bad_answer';
      default:
        return 'unreachable';
    }
  }
  return error instanceof SyntaxError ? 'bad_answer' : 'error';
}

/** axios's errors: no answer, or an unreadable one (twilio's client lets every HTTP status through). */
function isAxiosError(error: unknown): error is Error & { code?: string } {
  return error instanceof Error && (error as { isAxiosError?: unknown }).isAxiosError === true;
}
