import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'qs';
import { Params } from '../../core/request/params';

/**
 * Headers Twilio's runtime withholds from `event.request.headers`: its own and its proxies'
 * (`x-forwarded-*`, `via`) and hop-by-hop ones. A Function written for Twilio never sees them, so
 * it must not start depending on them here.
 */
const withheldPrefixes = ['i-twilio-', 'i-t-', 'ot-', 'x-amz', 'x-forwarded-', 'x-accel-'];
const withheldNames = new Set([
  'via', 'referer', 'transfer-encoding', 'proxy-authorization', 'proxy-authenticate', 'x-real-ip',
  'connection', 'proxy-connection', 'expect', 'trailer', 'upgrade',
]);

/**
 * The Function `event`, built as Twilio's runtime builds it: query parameters (nested with `qs`,
 * as express parses them, so `identity[name]=x` is an object and a repeated key an array), then
 * body parameters, then `request` with the headers and cookies. `request` comes last so a
 * parameter named `request` cannot stand in for the real headers.
 */
export function buildEvent(req: IncomingMessage, query: string, body: Params): Record<string, unknown> {
  return {
    ...parseQuery(query, { allowPrototypes: true, arrayLimit: 1000 }),
    ...body,
    request: { headers: eventHeaders(req.rawHeaders), cookies: parseCookies(req.headers.cookie) },
  };
}

/** Lower-case header names; a header sent several times keeps every value, in order. */
export function eventHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (withheldNames.has(name) || withheldPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    const existing = headers[name];
    headers[name] = existing === undefined ? rawHeaders[i + 1] : [existing, rawHeaders[i + 1]].flat();
  }
  return headers;
}

/**
 * Cookies by name, as cookie-parser gives them to Twilio Functions: the first of a repeated name
 * wins, surrounding quotes go, percent-encoding is decoded where it is valid.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  for (const pair of header?.split(';') ?? []) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pair.slice(0, equals).trim();
    if (!name || name in cookies) continue;
    cookies[name] = decodeCookie(pair.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return cookies;
}

function decodeCookie(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
