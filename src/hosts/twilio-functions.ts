import '@twilio-labs/serverless-runtime-types';
import type {
  Context, ServerlessCallback, ServerlessEventObject, ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';
import { Env } from '../core/config/env';
import { Endpoint } from '../core/endpoint';
import { Reply } from '../core/reply';
import { Headers } from '../core/request/params';

/** `event` as Twilio's runtime builds it: query and body merged, plus the request's headers. */
export type TwilioEvent = ServerlessEventObject<Record<string, unknown>, Headers>;

/**
 * Adapts a core endpoint to the Twilio Functions contract, so `functions/*.ts` stay one line.
 * The same handler runs under twilio-run, on Twilio's runtime and under the Node host.
 *
 * @example export const handler = twilioFunction(twilioTokenEndpoint);
 */
export function twilioFunction(endpoint: Endpoint): ServerlessFunctionSignature<{}, TwilioEvent> {
  return async (context: Context, event: TwilioEvent, callback: ServerlessCallback): Promise<void> => {
    const { request, ...params } = event;
    const reply = await endpoint(
      { params, headers: request?.headers ?? {} },
      { env: contextEnv(context), readPrivateAsset },
    );
    const response = new Twilio.Response();
    response.setStatusCode(reply.status);
    for (const [name, value] of Object.entries(reply.headers)) response.appendHeader(name, value);
    response.setBody(twilioBody(reply));
    callback(null, response);
  };
}

/**
 * Twilio's runtime JSON-encodes the body itself when Content-Type is application/json (a string
 * would arrive double-encoded), but sends any other type as given.
 */
function twilioBody(reply: Reply): object | string {
  return reply.headers['Content-Type']?.startsWith('application/json') ? reply.body : JSON.stringify(reply.body);
}

/**
 * The string variables in a Function context. Only data properties are read: twilio-run turns an
 * unset `SERVICE_SID`/`ENVIRONMENT_SID` into a getter that prints a warning on every read, and
 * `getTwilioClient` is not configuration.
 */
function contextEnv(context: Context): Env {
  let env = contextEnvs.get(context);
  if (env === undefined) {
    const values: Record<string, string> = {};
    for (const [name, property] of Object.entries(Object.getOwnPropertyDescriptors(context))) {
      if (typeof property.value === 'string') values[name] = property.value;
    }
    env = values;
    contextEnvs.set(context, env);
  }
  return env;
}

/**
 * Twilio builds a new context per request, but a host may hand the same one to every request
 * (the Node host does); reading its variables once per object saves that work there.
 */
const contextEnvs = new WeakMap<Context, Env>();

/** Private assets are files deployed with the Service but never served over HTTP. */
function readPrivateAsset(path: string): string | undefined {
  if (typeof Runtime === 'undefined') return undefined;
  return Runtime.getAssets()[path]?.open();
}
