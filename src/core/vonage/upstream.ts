import type { AuthInterface } from '@vonage/auth';
import { Metrics, noMetrics, statusClass, timeUpstream, Upstream, UpstreamOutcome } from '../metrics/metrics';
import { Problem } from '../problem';
import { AppCredentials, appJwt } from './app-jwt';

/**
 * The largest answer read from Vonage. The answers this service reads (a session, a user, a page
 * holding one user) are well under 2 KB; the SDKs themselves read any body whole.
 */
const maxAnswerBytes = 64 * 1024;

export interface UpstreamOptions {
  /** The SDKs' own `videoHost` / `apiHost`; unset means Vonage's production hosts. */
  videoHost?: string;
  apiHost?: string;
  /** The deadline for one call: signing, connecting, sending and reading the answer. */
  timeoutMs: number;
  /** Where each request is counted, under `upstream`. */
  metrics?: Metrics;
  upstream: Upstream;
}

/** The options of @vonage/server-client's `Client` this service sets. */
interface SdkOptions {
  videoHost?: string;
  apiHost?: string;
  timeout: number;
}

type SdkClass<C> = new (auth: AuthInterface, options: SdkOptions) => C;

/**
 * An answer as the SDKs receive it. @vonage/video's server-client calls node-fetch and
 * @vonage/users' newer one calls Node's own fetch; both answer with this much in common.
 */
interface FetchAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Iterable<[string, string]>;
  readonly body: AsyncIterable<Uint8Array | string> | null;
  text(): Promise<string>;
}

type FetchAnswerClass = new (body: Buffer | null, init: { status: number; statusText: string; headers: FetchAnswer['headers'] }) => FetchAnswer;

/**
 * A Vonage SDK client (`Video`, `Users`) that signs with the service's KeyObject, gives up after
 * `timeoutMs`, reads at most `maxAnswerBytes` of an answer and counts each request in `metrics`.
 * server-client's debug log (DEBUG=vonage:server-client, or vonage*) prints every request's
 * headers, bearer token included.
 *
 * @example
 * const { Video } = require('@vonage/video');
 * await vonageClient(Video, config, { timeoutMs: 5000, upstream: 'vonage_video' }).createSession();
 */
export function vonageClient<C>(Sdk: SdkClass<C>, credentials: AppCredentials, options: UpstreamOptions): C {
  const Limited = withAnswerLimit(Sdk, options.metrics ?? noMetrics, options.upstream);
  // server-client's `timeout` aborts the fetch through an AbortSignal that stays armed while the
  // answer is parsed, so it bounds the body read too.
  return new Limited(appAuth(credentials), { videoHost: options.videoHost, apiHost: options.apiHost, timeout: options.timeoutMs });
}

/**
 * Bearer auth with `appJwt`. The SDKs' own `Auth` signs through @vonage/jwt, which re-parses the
 * PEM for every request (and logs it under DEBUG=vonage*). server-client takes credentials as a
 * ready `Auth` only when `getQueryParams` is an own property, as on this object literal; the
 * other schemes are never used by JWT-authenticated APIs.
 */
function appAuth(credentials: AppCredentials): AuthInterface {
  const unsupported = () => Promise.reject(new Error('Only JWT authentication is configured for Vonage calls.'));
  return {
    applicationId: credentials.applicationId,
    getQueryParams: unsupported,
    createSignatureHash: unsupported,
    createBasicHeader: unsupported,
    createBearerHeader: async () => `Bearer ${await appJwt(credentials)}`,
  };
}

/**
 * The SDK class with a size limit on answers, each request counted. server-client passes fetch no
 * size limit and has no setting for one; every answer reaches its `parseResponse` hook, so the
 * body is read there up to the limit and the SDK parses a copy that holds it. Every request,
 * whatever the method, goes through its `sendRequest`, from signing to the parsed answer.
 */
function withAnswerLimit<C>(Sdk: SdkClass<C>, metrics: Metrics, upstream: Upstream): SdkClass<C> {
  // Both hooks are protected and typed per server-client version; the overrides need only this much.
  const Base = Sdk as unknown as new (...args: any[]) => {
    sendRequest(request: unknown): Promise<unknown>;
    parseResponse(request: unknown, answer: FetchAnswer): Promise<unknown>;
  };
  class Limited extends Base {
    override sendRequest(request: unknown): Promise<unknown> {
      return timeUpstream(metrics, upstream, vonageOutcome, () => super.sendRequest(request));
    }

    override async parseResponse(request: unknown, answer: FetchAnswer): Promise<unknown> {
      return super.parseResponse(request, await bufferedAnswer(answer));
    }
  }
  return Limited as unknown as SdkClass<C>;
}

async function bufferedAnswer(answer: FetchAnswer): Promise<FetchAnswer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (answer.body) {
    // Leaving the loop early (the throw) destroys or cancels the stream, which frees the socket.
    for await (const chunk of answer.body) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxAnswerBytes) {
        throw new Problem('upstream_error', `Vonage's answer is larger than ${maxAnswerBytes} bytes.`, {}, { vendor_code: answer.status });
      }
      chunks.push(bytes);
    }
  }
  // The answer's own class, so the SDK parses the copy exactly as it would have parsed the answer.
  const SameClass = answer.constructor as FetchAnswerClass;
  return new SameClass(size > 0 ? Buffer.concat(chunks) : null, {
    status: answer.status, statusText: answer.statusText, headers: answer.headers,
  });
}

/**
 * Runs one exchange with Vonage and turns its failures into problems the caller can act on: an
 * error answer is `upstream_error` with Vonage's error code (or status) as `vendor_code`; no answer
 * in time, or no connection, is `upstream_unavailable`. `what` names the exchange in details.
 * Details never quote the SDK's error, whose `config` carries the request and its bearer token.
 *
 * @example await callVonage('the Video session request', 5000, () => video.createSession())
 */
export async function callVonage<T>(what: string, timeoutMs: number, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (error) {
    throw await upstreamProblem(error, what, timeoutMs);
  }
}

/** How a failed request ended, in the terms {@link upstreamProblem} uses to answer it. */
function vonageOutcome(error: unknown): UpstreamOutcome {
  if (error instanceof Problem) return 'bad_answer';
  const answer = errorAnswer(error);
  if (answer) return answer.ok ? 'bad_answer' : statusClass(answer.status);
  const { name } = (error ?? {}) as { name?: unknown };
  if (name === 'AbortError') return 'timeout';
  return name === 'FetchError' || name === 'TypeError' ? 'unreachable' : 'error';
}

/** The HTTP status of Vonage's answer carried by an SDK error (@vonage/vetch's VetchError), if any. */
export function answerStatus(error: unknown): number | undefined {
  return errorAnswer(error)?.status;
}

async function upstreamProblem(error: unknown, what: string, timeoutMs: number): Promise<unknown> {
  if (error instanceof Problem) return error;
  const answer = errorAnswer(error);
  if (answer?.ok) {
    return new Problem('upstream_error', `Vonage's answer to ${what} could not be read.`, {}, { vendor_code: answer.status });
  }
  if (answer) {
    return new Problem('upstream_error', `Vonage answered HTTP ${answer.status} to ${what}.`, {}, { vendor_code: await vendorCode(answer) });
  }
  const { name, type, code, cause } = (error ?? {}) as { name?: unknown; type?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (name === 'AbortError') {
    return new Problem('upstream_unavailable', `Vonage did not answer ${what} within ${timeoutMs} ms.`);
  }
  // A socket error (refused, reset, DNS failure): node-fetch wraps it in a FetchError of type
  // `system`, Node's fetch in a TypeError whose `cause` carries the code.
  const socketCode = name === 'FetchError' && type === 'system' ? code : name === 'TypeError' ? cause?.code : undefined;
  if (typeof socketCode === 'string') {
    const reason = /^[A-Z][A-Z0-9_]{1,40}$/.test(socketCode) ? ` (${socketCode})` : '';
    return new Problem('upstream_unavailable', `Vonage could not be reached for ${what}${reason}.`);
  }
  return error;
}

function errorAnswer(error: unknown): FetchAnswer | undefined {
  const answer = (error as { response?: Partial<FetchAnswer> } | undefined)?.response;
  return answer && typeof answer.status === 'number' && typeof answer.text === 'function' ? (answer as FetchAnswer) : undefined;
}

/**
 * Vonage's error answers are RFC 7807 problems; the Users API adds a `code` such as
 * `user:error:not-found`. The most specific of `code` and `type` identifies the error, else the status.
 */
async function vendorCode(answer: FetchAnswer): Promise<string | number> {
  let body: unknown;
  try {
    body = JSON.parse(await answer.text());
  } catch {
    return answer.status;
  }
  const members = (body ?? {}) as Record<string, unknown>;
  const code = [members.code, members.type].find((value) => typeof value === 'string' && /^[\x21-\x7e]{1,200}$/.test(value));
  return (code as string | undefined) ?? answer.status;
}
