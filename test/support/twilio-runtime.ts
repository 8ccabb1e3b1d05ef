import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
import { TwilioResponse } from '../../src/hosts/node/twilio-response';

/**
 * `Twilio.Response` as the Node host implements it (appendHeader appends, setters chain), plus a
 * reader for the body as a client would receive it.
 */
export class ResponseDouble extends TwilioResponse {
  /** The body as the client receives it: Twilio JSON-encodes objects sent as application/json. */
  json(): Record<string, unknown> {
    return (typeof this.body === 'string' ? JSON.parse(this.body) : this.body) as Record<string, unknown>;
  }
}

/** Installs the globals Twilio's runtime provides, with the given private assets' texts. */
export function installTwilioGlobals(privateAssets: Record<string, string> = {}): void {
  const assets = Object.fromEntries(Object.entries(privateAssets).map(([path, text]) => [path, { path, open: () => text }]));
  Object.assign(globalThis, {
    Twilio: { Response: ResponseDouble },
    Runtime: { getAssets: () => assets, getFunctions: () => ({}), getSync: () => undefined },
  });
}

/** Calls a handler exactly as Twilio does and resolves with what it passed to the callback. */
export function invoke(
  handler: ServerlessFunctionSignature<any, any>,
  context: Record<string, unknown>,
  event: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<ResponseDouble> {
  return new Promise((resolve, reject) => {
    const base = { getTwilioClient: () => { throw new Error('not in tests'); }, DOMAIN_NAME: 'localhost:3000', PATH: '/token' };
    // Copied by descriptor so accessor properties stay accessors, as twilio-run's context has them.
    const fullContext = Object.defineProperties(base, Object.getOwnPropertyDescriptors(context));
    const fullEvent = { ...event, request: { headers, cookies: {} } };
    handler(fullContext as any, fullEvent, (error, response) => {
      if (error) reject(error);
      else resolve(response as ResponseDouble);
    });
  });
}
