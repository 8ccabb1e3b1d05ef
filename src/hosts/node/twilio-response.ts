import type { TwilioResponse as TwilioResponseContract } from '@twilio-labs/serverless-runtime-types/types';

const setCookie = 'Set-Cookie';

/** Header values as a Function left them: a header appended twice holds a list. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * `Twilio.Response` for the Node host, with the semantics of Twilio's own: appendHeader appends
 * (a repeated header becomes a list), setHeaders replaces every header, cookies accumulate under
 * `Set-Cookie`, and every setter chains.
 *
 * @example new TwilioResponse().setStatusCode(201).appendHeader('Vary', 'Origin').setBody({ ok: true })
 */
export class TwilioResponse implements TwilioResponseContract {
  statusCode = 200;
  headers: ResponseHeaders = {};
  body: unknown = null;

  constructor(options: { statusCode?: number; body?: unknown; headers?: ResponseHeaders } = {}) {
    if (options.statusCode) this.statusCode = options.statusCode;
    if (options.body) this.body = options.body;
    if (options.headers) this.setHeaders(options.headers);
  }

  setStatusCode(code: number): this {
    this.statusCode = code;
    return this;
  }

  setBody(body: unknown): this {
    this.body = body;
    return this;
  }

  setHeaders(headers: Record<string, string | string[]>): this {
    this.headers = {};
    for (const [name, value] of Object.entries(headers)) this.appendHeader(name, value);
    return this;
  }

  appendHeader(name: string, value: string | string[]): this {
    const key = name.toLowerCase() === setCookie.toLowerCase() ? setCookie : name;
    const existing = this.headers[key];
    this.headers[key] = existing === undefined ? value : [existing, value].flat();
    return this;
  }

  setCookie(name: string, value: string, attributes: string[] = []): this {
    return this.appendHeader(setCookie, [`${name}=${value}`, ...attributes].join(';'));
  }

  removeCookie(name: string): this {
    const kept = [this.headers[setCookie] ?? []].flat().filter((cookie) => !cookie.startsWith(`${name}=`));
    this.headers[setCookie] = [...kept, `${name}=;Max-Age=0`];
    return this;
  }
}
