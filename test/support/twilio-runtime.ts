import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';

/** Behaves like `Twilio.Response`: appendHeader appends, so a header set twice becomes a list. */
export class ResponseDouble {
  statusCode = 200;
  headers: Record<string, string | string[]> = {};
  body: unknown = null;

  setStatusCode(code: number): this {
    this.statusCode = code;
    return this;
  }

  setBody(body: unknown): this {
    this.body = body;
    return this;
  }

  setHeaders(headers: Record<string, string>): this {
    this.headers = {};
    for (const [name, value] of Object.entries(headers)) this.appendHeader(name, value);
    return this;
  }

  appendHeader(name: string, value: string): this {
    const existing = this.headers[name];
    this.headers[name] = existing === undefined ? value : [existing, value].flat();
    return this;
  }

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
