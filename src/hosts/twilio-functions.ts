/// <reference types="@twilio-labs/serverless-runtime-types" />
import type {
  Context, ServerlessCallback, ServerlessEventObject, ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';
import { openAccessWarning } from '../core/auth/open-access';
import { loadConfig } from '../core/config/config';
import { Env } from '../core/config/env';
import { Endpoint } from '../core/endpoint';
import { endpointAt } from '../core/endpoints';
import { logLine } from '../core/log';
import { Reply, replyText } from '../core/reply';
import { Headers, Params, readHeader } from '../core/request/params';
import { Service, startService } from '../core/service';

/** `event` as Twilio's runtime builds it: query and body merged, plus the request's headers. */
export type TwilioEvent = ServerlessEventObject<Record<string, unknown>, Headers>;

/** What a warm container keeps between requests: the running service and the endpoint's code. */
interface Warm {
  service: Service;
  endpoint: Promise<Endpoint>;
}

/**
 * The Twilio Function for the endpoint at `path`; the build makes one per entry of the endpoint
 * table. Configuration is read from the first request's context and kept, with the service's
 * state and limits, for the container's life: Twilio only changes it with a new deployment, which
 * starts new containers. Functions expose no client address, so the per-address limits are off.
 *
 * @example export const handler = twilioFunction('/token');
 */
export function twilioFunction(path: string): ServerlessFunctionSignature<{}, TwilioEvent> {
  let warm: Warm | undefined;
  return async (context: Context, event: TwilioEvent, callback: ServerlessCallback): Promise<void> => {
    warm ??= warmUp(context, path);
    const { request, ...params } = event;
    const headers = request?.headers ?? {};
    const outcome = await (await warm.endpoint)({ params, query: queryOnly(params, headers), headers }, warm.service);
    console.log(logLine({ event: 'token', endpoint: path, status: outcome.reply.status, ...outcome.log }));
    const response = new Twilio.Response();
    response.setStatusCode(outcome.reply.status);
    for (const [name, value] of Object.entries(outcome.reply.headers)) response.appendHeader(name, value);
    response.setBody(twilioBody(outcome.reply));
    callback(null, response);
  };
}

/**
 * The parameters known to have come in the query string. Twilio's runtime merges query and body
 * into one `event` and passes the Function neither the URL nor which part each parameter came
 * from; it parses only JSON and form bodies, so a request without one carried its parameters in
 * the query. With such a body a parameter could have come from either, so none is known to be
 * the query's: a passcode in the query of a POST with a body goes unnoticed (a limit of this host).
 */
function queryOnly(params: Params, headers: Headers): Params | undefined {
  return /^application\/(json|x-www-form-urlencoded)\b/i.test(readHeader(headers, 'content-type') ?? '') ? undefined : params;
}

function warmUp(context: Context, path: string): Warm {
  const env = contextEnv(context);
  const config = loadConfig(env, readPrivateAsset);
  const warning = openAccessWarning(config);
  // On a developer's machine AUTH_MODE=none is the convenient default; anywhere else it is a hole.
  if (warning !== undefined && !isLocal(env)) console.log(logLine(warning));
  const service = startService(config, { onStoreHealth: (event) => console.log(logLine(event)) });
  return { service, endpoint: endpointAt(path) };
}

function isLocal(env: Env): boolean {
  return /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(env.DOMAIN_NAME ?? '') || ['development', 'test'].includes(env.NODE_ENV ?? '');
}

/**
 * Twilio's runtime JSON-encodes the body itself when Content-Type is application/json (a string
 * would arrive double-encoded), but sends any other type as given.
 */
function twilioBody(reply: Reply): object | string {
  return reply.headers['Content-Type']?.startsWith('application/json') ? reply.body : replyText(reply);
}

/**
 * The string variables in a Function context. Only data properties are read: twilio-run turns an
 * unset `SERVICE_SID`/`ENVIRONMENT_SID` into a getter that prints a warning on every read, and
 * `getTwilioClient` is not configuration.
 */
function contextEnv(context: Context): Env {
  const values: Record<string, string> = {};
  for (const [name, property] of Object.entries(Object.getOwnPropertyDescriptors(context))) {
    if (typeof property.value === 'string') values[name] = property.value;
  }
  return values;
}

/** Private assets are files deployed with the Service but never served over HTTP. */
function readPrivateAsset(path: string): string | undefined {
  if (typeof Runtime === 'undefined') return undefined;
  return Runtime.getAssets()[path]?.open();
}
