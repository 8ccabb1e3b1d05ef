import type { JWTPayload } from 'jose';
import { Problem } from '../problem';
import { Headers, readHeader, readParam, TokenRequest } from '../request/params';
import { identityFault } from '../request/identity';
import { anonymousCaller, Caller, invalidCredentials, realm } from './caller';
import { AuthConfig } from './config';
import { sameSecret } from './same-secret';
import { checkCredentialLifetime } from './lifetime';
import { checkVonageCredential } from './vonage-credential';
import { verifyJwt } from './verify-jwt';

/**
 * Checks the caller's credentials against `AUTH_MODE` and returns who they are. A presented
 * credential is never echoed, logged or put in a problem: messages say what was wrong, not what
 * was sent.
 *
 * @example const caller = await authenticate(request, use(config.auth));
 */
export async function authenticate(request: TokenRequest, config: AuthConfig): Promise<Caller> {
  switch (config.mode) {
    case 'none':
      return anonymousCaller;
    case 'passcode':
      checkPasscode(bearerToken(request.headers) ?? readParam(request.params, 'passcode', 'auth_invalid'), config.passcode);
      return anonymousCaller;
    case 'jwt': {
      const key = typeof config.key === 'function' ? await config.key() : config.key;
      const payload = await verifyJwt(requireBearer(request), key, config);
      checkLifetime(payload, config);
      return callerFromClaims(payload, config);
    }
    case 'vonage': {
      const payload = await verifyJwt(requireBearer(request), config.publicKey, { algorithms: ['RS256'], clockTolerance: config.clockTolerance });
      checkLifetime(payload, config);
      checkVonageCredential(payload, config);
      return callerFromClaims(payload, { identityClaim: 'sub' });
    }
  }
}

/**
 * Refuses a passcode in the URL's query string, in any AUTH_MODE, before anything reads it: servers,
 * proxies and browsers log URLs, so a credential has no place there (RFC 6750 §2.3). Its own code,
 * not `auth_invalid`: the passcode is never judged (a guess in a URL learns nothing, and counts as
 * no failed attempt), and the caller must move it, not change it.
 *
 * @example refuseCredentialsInUrl({ params, query: { passcode: 'x' }, headers: {} }) // throws credentials_in_url
 */
export function refuseCredentialsInUrl(request: TokenRequest): void {
  if (request.query !== undefined && Object.hasOwn(request.query, 'passcode')) {
    throw new Problem('credentials_in_url',
      'Send the passcode in the request body or as Authorization: Bearer <passcode>, never in the URL, where servers, proxies and browsers log it.');
  }
}

/** jose checks `exp` only when a token has one: a bearer credential must have it, and a bounded age. */
function checkLifetime(payload: JWTPayload, config: { clockTolerance: number; maxAge: number }): void {
  checkCredentialLifetime(payload, {
    nowSeconds: Math.floor(Date.now() / 1000), clockToleranceSeconds: config.clockTolerance, maxAgeSeconds: config.maxAge,
  });
}

/**
 * The bearer token in the Authorization header, undefined when there is none; other schemes count
 * as none (RFC 6750 §3.1). A malformed one is `auth_invalid`.
 *
 * @example bearerToken({ authorization: 'Bearer abc.def' }) // 'abc.def'
 */
export function bearerToken(headers: Headers): string | undefined {
  const authorization = readHeader(headers, 'authorization') ?? '';
  if (!/^Bearer\b/i.test(authorization)) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw invalidCredentials('The Authorization header is not a well-formed bearer token.');
  return match[1];
}

function requireBearer(request: TokenRequest): string {
  const token = bearerToken(request.headers);
  if (token === undefined) throw required('Send your credentials as Authorization: Bearer <token>.');
  return token;
}

function checkPasscode(candidate: string | undefined, passcode: string): void {
  if (candidate === undefined) throw required('Send the passcode as Authorization: Bearer <passcode>.');
  if (!sameSecret(candidate, passcode)) throw invalidCredentials('The passcode is not correct.');
}

/**
 * No credentials: a bare challenge, without an error code (RFC 6750 §3.1).
 *
 * @example throw required('Send your credentials as Authorization: Bearer <token>.');
 */
export function required(detail: string): Problem {
  return new Problem('auth_required', detail, { 'WWW-Authenticate': `Bearer realm="${realm}"` });
}

/** The identity a verified token proves, held to the same rule as a requested one. */
function callerFromClaims(payload: JWTPayload, claims: { identityClaim: string; grantsClaim?: string }): Caller {
  const identity = ownClaim(payload, claims.identityClaim);
  const fault = identityFault(identity);
  if (fault !== undefined || typeof identity !== 'string') throw invalidCredentials(`The token's ${claims.identityClaim} claim ${fault}.`);
  if (claims.grantsClaim === undefined) return { identity };
  return { identity, allowed: new Set(listClaim(ownClaim(payload, claims.grantsClaim))) };
}

/** A claim the token itself carries: AUTH_IDENTITY_CLAIM=constructor must not find Object's. */
function ownClaim(payload: JWTPayload, name: string): unknown {
  return Object.hasOwn(payload, name) ? payload[name] : undefined;
}

/** A grants claim as an array, or a space- or comma-separated string (OAuth scopes); absent allows nothing. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
