import type { AuthInterface } from '@vonage/auth';
import type { Deadline } from '../deadline';
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
  /** The most one call may take: signing, connecting, sending and reading the answer. */
  timeoutMs: number;
  /** The token request's deadline: each call gets what is left of it, and stops when the client goes. */
  deadline: Deadline;
  /**
   * Whether a successful answer's body has the shape Vonage's API reference gives it; anything
   * else is `upstream_error` before the SDK reads it (reading `[]` or `null`, it throws a TypeError).
   */
  isAnswer(body: unknown): boolean;
  /** Where each request is counted, under `upstream`. */
  metrics?: Metrics;
  upstream: Upstream;
}

/** The options of @vonage/server-client's `Client` this service sets (its `timeout` is the replaced transport's). */
interface SdkOptions {
  videoHost?: string;
  apiHost?: string;
}

type SdkClass<C> = new (auth: AuthInterface, options: SdkOptions) => C;

/**
 * A Vonage SDK client (`Video`, `Users`) that signs with the service's KeyObject, gives each call
 * what is left of the request's deadline (at most `timeoutMs`), reads at most `maxAnswerBytes` of
 * an answer and counts each request in `metrics`. server-client's debug log
 * (DEBUG=vonage:server-client, or vonage*) prints every request's headers, bearer token included.
 *
 * @example
 * const { Video } = require('@vonage/video');
 * await vonageClient(Video, config, { timeoutMs: 5000, deadline, isAnswer: Array.isArray, upstream: 'vonage_video' }).createSession();
 */
export function vonageClient<C>(Sdk: SdkClass<C>, credentials: AppCredentials, options: UpstreamOptions): C {
  const Guarded = guarded(Sdk, options);
  return new Guarded(appAuth(credentials), { videoHost: options.videoHost, apiHost: options.apiHost });
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

/** A request as server-client prepares it: its URL and headers final, the bearer token included. */
interface SdkRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** The protected parts of server-client's `Client` that `sendRequest` is made of. */
interface SdkTransport {
  prepareRequest(request: SdkRequest): Promise<SdkRequest>;
  prepareBody(request: SdkRequest): string | undefined;
  parseResponse(request: SdkRequest, answer: Response): Promise<unknown>;
}

/**
 * The SDK class with the transport this service needs. server-client's `sendRequest` takes no
 * signal but its own timer's, sets no size limit and follows redirects, so it is replaced by the
 * same steps: the SDK prepares the request (URL, headers, bearer token) and its body, this sends it
 * with the call's signal, reads the answer up to the limit, and the SDK parses the copy that holds
 * it. The signal stays armed while the answer is read, so it bounds the body too. Node's own fetch
 * serves both SDKs (@vonage/video's server-client would use node-fetch). Each request is timed and
 * counted in the options' metrics.
 */
function guarded<C>(Sdk: SdkClass<C>, options: UpstreamOptions): SdkClass<C> {
  // `sendRequest` and its parts are protected and typed per server-client version; the override needs only this much.
  const Base = Sdk as unknown as new (...args: any[]) => SdkTransport;
  class Guarded extends Base {
    sendRequest(request: SdkRequest): Promise<unknown> {
      return timeUpstream(options.metrics ?? noMetrics, options.upstream, vonageOutcome, () => this.send(request));
    }

    private async send(request: SdkRequest): Promise<unknown> {
      const signal = options.deadline.signalFor(options.timeoutMs);
      const prepared = await this.prepareRequest(request);
      const answer = await fetch(prepared.url, {
        method: prepared.method, headers: prepared.headers, body: this.prepareBody(prepared), signal,
        // The request carries the application JWT: a redirect is an error answer, never followed.
        redirect: 'manual',
      });
      const parsed = (await this.parseResponse(prepared, await bufferedAnswer(answer))) as { data: unknown };
      if (!options.isAnswer(parsed.data)) {
        throw new Problem('upstream_error', "Vonage's answer is not the JSON its API reference describes.", {}, { vendor_code: answer.status });
      }
      return parsed;
    }
  }
  return Guarded as unknown as SdkClass<C>;
}

/** The answer read whole up to `maxAnswerBytes`, as a Response the SDK parses like the original. */
async function bufferedAnswer(answer: Response): Promise<Response> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (answer.body) {
    // Leaving the loop early (the throw) cancels the stream, which frees the socket.
    for await (const chunk of answer.body) {
      size += chunk.length;
      if (size > maxAnswerBytes) {
        throw new Problem('upstream_error', `Vonage's answer is larger than ${maxAnswerBytes} bytes.`, {}, { vendor_code: answer.status });
      }
      chunks.push(chunk);
    }
  }
  return new Response(size > 0 ? Buffer.concat(chunks) : null, {
    status: answer.status, statusText: answer.statusText, headers: answer.headers,
  });
}

/**
 * Runs one exchange with Vonage and turns its failures into problems the caller can act on: an
 * error answer is `upstream_error` with Vonage's error code (or status) as `vendor_code`; no answer
 * in time, or no connection, is `upstream_unavailable`. `what` names the exchange in details.
 * Details never quote the SDK's error, whose `config` carries the request and its bearer token.
 *
 * @example await callVonage('the Video session request', () => video.createSession())
 */
export async function callVonage<T>(what: string, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (error) {
    throw await upstreamProblem(error, what);
  }
}

/** A JSON object: what most of Vonage's answers are. */
export function isJsonObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** How a failed request ended, in the terms {@link upstreamProblem} uses to answer it. */
function vonageOutcome(error: unknown): UpstreamOutcome {
  if (error instanceof Problem) return 'bad_answer';
  const answer = errorAnswer(error);
  if (answer) return answer.ok ? 'bad_answer' : statusClass(answer.status);
  const { name } = (error ?? {}) as { name?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  return name === 'TypeError' ? 'unreachable' : 'error';
}

/** The HTTP status of Vonage's answer carried by an SDK error (@vonage/vetch's VetchError), if any. */
export function answerStatus(error: unknown): number | undefined {
  return errorAnswer(error)?.status;
}

async function upstreamProblem(error: unknown, what: string): Promise<unknown> {
  if (error instanceof Problem) return error;
  const answer = errorAnswer(error);
  if (answer?.ok) {
    return new Problem('upstream_error', `Vonage's answer to ${what} could not be read.`, {}, { vendor_code: answer.status });
  }
  if (answer) {
    return new Problem('upstream_error', `Vonage answered HTTP ${answer.status} to ${what}.`, {}, { vendor_code: await vendorCode(answer) });
  }
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  // The call's signal: its own deadline or the request's (TimeoutError), or the client gone (AbortError).
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new Problem('upstream_unavailable', `Vonage did not answer ${what} in time.`);
  }
  // A socket error (refused, reset, DNS failure): fetch rejects with a TypeError whose `cause` carries the code.
  const socketCode = name === 'TypeError' ? cause?.code : undefined;
  if (typeof socketCode === 'string') {
    const reason = /^[A-Z][A-Z0-9_]{1,40}$/.test(socketCode) ? ` (${socketCode})` : '';
    return new Problem('upstream_unavailable', `Vonage could not be reached for ${what}${reason}.`);
  }
  return error;
}

function errorAnswer(error: unknown): Response | undefined {
  const answer = (error as { response?: unknown } | undefined)?.response;
  return answer instanceof Response ? answer : undefined;
}

/**
 * Vonage's error answers are RFC 7807 problems; the Users API adds a `code` such as
 * `user:error:not-found`. The most specific of `code` and `type` identifies the error, else the status.
 */
async function vendorCode(answer: Response): Promise<string | number> {
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
