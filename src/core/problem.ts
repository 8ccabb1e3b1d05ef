/**
 * The one error model: every failure is an RFC 9457 problem with a stable `code`.
 * Callers switch on `code`; `title` is fixed per code and `detail` explains this occurrence.
 * Details name parameters and variables, never their values when those could be secrets.
 */

/**
 * Every code this service answers with, its HTTP status, its fixed title and, for a 503, the
 * seconds its `Retry-After` asks a client to wait (RFC 9110 §10.2.3). The wait belongs to the code,
 * so no 503 can leave without one whichever site throws it. A dependency that is down seldom
 * returns within a second, and a fleet of clients retrying at once slows its recovery: a few
 * seconds, except for shed RSA work, which clears within a second.
 */
const catalogue = {
  identity_missing: [400, 'Identity is required'],
  identity_invalid: [400, 'Identity is not valid'],
  ttl_invalid: [400, 'TTL is not valid'],
  grant_invalid: [400, 'Grant is not valid'],
  grant_unavailable: [400, 'Grant is not available'],
  param_invalid: [400, 'Parameter is not valid'],
  body_invalid: [400, 'Request body is not valid'],
  kind_invalid: [400, 'Token kind is not valid'],
  acl_not_allowed: [400, 'ACL is set by the server'],
  session_id_missing: [400, 'Video session id is required'],
  session_id_invalid: [400, 'Video session id is not valid'],
  role_invalid: [400, 'Video role is not valid'],
  role_forbidden: [403, 'Video role is not allowed'],
  data_invalid: [400, 'Connection data is not valid'],
  auth_required: [401, 'Authentication is required'],
  auth_invalid: [401, 'Credentials are not valid'],
  credentials_in_url: [400, 'Credentials are not allowed in the URL'],
  identity_mismatch: [403, 'Identity does not match the credentials'],
  grant_forbidden: [403, 'Grant is not allowed for this caller'],
  auth_unavailable: [503, 'Identity provider is unavailable', 5],
  rate_limited: [429, 'Too many requests'],
  overloaded: [503, 'Service is overloaded', 1],
  state_unavailable: [503, 'Shared state is unavailable', 5],
  upstream_error: [502, 'Upstream API refused the request'],
  upstream_unavailable: [503, 'Upstream API is unavailable', 5],
  not_found: [404, 'Not found'],
  method_not_allowed: [405, 'Method not allowed'],
  request_invalid: [400, 'Request is not valid HTTP'],
  request_timeout: [408, 'Request took too long to arrive'],
  body_too_large: [413, 'Request body is too large'],
  headers_too_large: [431, 'Request headers are too large'],
  config_missing: [500, 'Configuration is missing'],
  config_invalid: [500, 'Configuration is not valid'],
  internal_error: [500, 'Internal error'],
} as const satisfies Record<string, readonly [number, string] | readonly [503, string, number]>;

export type ProblemCode = keyof typeof catalogue;

/** Every code, in the catalogue's order: for descriptions of the API generated from it. */
export const problemCodes = Object.keys(catalogue) as ProblemCode[];

/**
 * A code's HTTP status and title, and its default `Retry-After` when it has one.
 *
 * @example problemEntry('state_unavailable') // { status: 503, title: 'Shared state is unavailable', retryAfter: 5 }
 */
export function problemEntry(code: ProblemCode): { status: number; title: string; retryAfter?: number } {
  const [status, title, retryAfter] = catalogue[code] as readonly [number, string, number?];
  return retryAfter === undefined ? { status, title } : { status, title, retryAfter };
}

/**
 * Extension members beyond `code` (RFC 9457 §3.2), e.g. `vendor_code` for an upstream API's own
 * error code. Values are safe to show the caller: never credentials or tokens.
 */
export type ProblemExtensions = Readonly<Record<string, string | number>>;

/** The RFC 9457 body, with our `code` extension member. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: string | number;
}

/**
 * A failure that becomes a problem+json answer.
 *
 * @example
 * throw new Problem('ttl_invalid', 'ttl must be whole seconds between 60 and 86400.');
 */
export class Problem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  /** Extra response headers this problem needs (e.g. `Allow` on a 405, `Retry-After` on every 503). */
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: ProblemExtensions;

  constructor(code: ProblemCode, detail: string, headers: Record<string, string> = {}, extensions: ProblemExtensions = {}) {
    super(detail);
    this.name = 'Problem';
    this.code = code;
    const { status, title, retryAfter } = problemEntry(code);
    this.status = status;
    this.title = title;
    // A site that knows better (a key set's cooldown) overrides the code's default wait.
    this.headers = retryAfter === undefined ? headers : { 'Retry-After': String(retryAfter), ...headers };
    this.extensions = extensions;
  }

  toBody(): ProblemBody {
    return {
      ...this.extensions,
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
    };
  }
}

/** A URN rather than a URL: RFC 9457 allows non-resolvable type URIs, and the README documents each code. */
function problemType(code: ProblemCode): string {
  return `urn:rtc-token-service:problem:${code}`;
}

/**
 * Turns anything thrown into a Problem. Unknown errors become a bare `internal_error`:
 * their message or stack could carry secrets, so neither reaches the caller.
 */
export function asProblem(error: unknown): Problem {
  return error instanceof Problem
    ? error
    : new Problem('internal_error', 'The server could not complete the request.');
}
