import { Problem, ProblemCode } from '../problem';

/**
 * What the caller sent, merged from query string and body. Values are `unknown`: a repeated
 * parameter arrives as an array and a JSON body can hold anything, so every reader checks the
 * shape before use.
 */
export type Params = Readonly<Record<string, unknown>>;

/** Request headers with lower-case names, as both Twilio's runtime and node:http deliver them. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** A token request, independent of the host that received it. */
export interface TokenRequest {
  params: Params;
  /**
   * The parameters that came in the URL's query string, where the host can tell them from the
   * body's (a subset of `params`): a credential among them is refused.
   */
  query?: Params;
  headers: Headers;
  /** The client's address where the host knows it (the Node host); Twilio Functions do not. */
  clientIp?: string;
  /**
   * Where the host can tell that the client is gone (the Node host: the connection closed before
   * the answer): upstream calls stop and nothing is minted.
   */
  clientGone?: ClientGone;
}

/**
 * A signal that aborts when a request's client leaves, made when first asked for: most requests
 * never make an upstream call, and an AbortController for each was about 3% of a `/token`
 * request's CPU in the Node host (interleaved A/B). An AbortController is one.
 */
export interface ClientGone {
  readonly signal: AbortSignal;
}

/**
 * One string parameter, or undefined when absent or empty. Arrays (repeated parameters) and
 * objects are refused with `code`: accepting the first or last of several values would let a
 * proxy and this service disagree about which identity was asked for.
 *
 * @example readParam({ room: 'standup' }, 'room', 'param_invalid') // 'standup'
 */
export function readParam(params: Params, name: string, code: ProblemCode): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Problem(code, `${name} must be a single string value.`);
}

/** A comma-separated list parameter; a JSON array of strings or a repeated form field also works. */
export function readListParam(params: Params, name: string, code: ProblemCode): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((item): item is string => typeof item === 'string')) {
    throw new Problem(code, `${name} must be a comma-separated list.`);
  }
  return items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
}

/**
 * A boolean parameter: JSON `true`/`false`, or the strings `true`/`false` from a query or form.
 * Absent is `fallback`; anything else is `param_invalid`.
 *
 * @example readBooleanParam({ create_room: 'true' }, 'create_room', false) // true
 */
export function readBooleanParam(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Problem('param_invalid', `${name} must be true or false.`);
}

/**
 * The parameters with each alias folded into its name (`user_identity` into `identity`, as
 * Twilio's reference apps send it). Both names with different values is `param_invalid`: the
 * service must not pick one and mint for the other.
 *
 * @example withAliases({ user_identity: 'alice' }, { user_identity: 'identity' }) // { identity: 'alice' }
 */
export function withAliases(params: Params, aliases: Readonly<Record<string, string>>): Params {
  let folded: Record<string, unknown> | undefined;
  // for…in rather than Object.entries: no array per request for a table that is always the same.
  for (const alias in aliases) {
    const name = aliases[alias];
    const value = params[alias];
    if (value === undefined || value === null || value === '') continue;
    const existing = params[name];
    if (existing !== undefined && existing !== null && existing !== '' && existing !== value) {
      throw new Problem('param_invalid', `${alias} and ${name} name the same thing: send one, or the same value in both.`);
    }
    folded ??= { ...params };
    folded[name] = value;
    delete folded[alias];
  }
  return folded ?? params;
}

/** A header's single value; repeated headers are joined as HTTP allows for list-valued ones. */
export function readHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
