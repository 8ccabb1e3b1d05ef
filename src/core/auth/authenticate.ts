import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { Problem } from '../problem';
import { readHeader, readParam, TokenRequest } from '../request/params';
import { anonymousCaller, Caller, realm } from './caller';
import { AuthConfig } from './config';
import { invalidCredentials, verifyJwt } from './verify-jwt';

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
      checkPasscode(bearerToken(request) ?? readParam(request.params, 'passcode', 'auth_invalid'), config.passcode);
      return anonymousCaller;
    case 'jwt': {
      const key = typeof config.key === 'function' ? await config.key() : config.key;
      return callerFromClaims(await verifyJwt(requireBearer(request), key, config), config);
    }
    case 'vonage':
      return callerFromClaims(await verifyVonageJwt(requireBearer(request), config), { identityClaim: 'sub' });
  }
}

/** The bearer token, undefined when there is none; other schemes count as none (RFC 6750 §3.1). */
function bearerToken(request: TokenRequest): string | undefined {
  const authorization = readHeader(request.headers, 'authorization') ?? '';
  if (!/^Bearer\b/i.test(authorization)) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw invalidCredentials('The Authorization header is not a well-formed bearer token.');
  return match[1];
}

function requireBearer(request: TokenRequest): string {
  const token = bearerToken(request);
  if (token === undefined) throw required('Send your credentials as Authorization: Bearer <token>.');
  return token;
}

/**
 * Constant-time comparison of SHA-256 digests: equal lengths whatever was sent, so neither the
 * passcode's length nor its matching prefix can be timed.
 */
function checkPasscode(candidate: string | undefined, passcode: string): void {
  if (candidate === undefined) throw required('Send the passcode as Authorization: Bearer <passcode>.');
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  if (!timingSafeEqual(digest(candidate), digest(passcode))) throw invalidCredentials('The passcode is not correct.');
}

/** Tokens signed with the Vonage application's own key, as Vonage Cloud Runtime's verifyAuth accepts. */
async function verifyVonageJwt(token: string, config: Extract<AuthConfig, { mode: 'vonage' }>): Promise<JWTPayload> {
  const payload = await verifyJwt(token, config.publicKey, { algorithms: ['RS256'], clockTolerance: config.clockTolerance });
  if (payload.application_id !== undefined && payload.application_id !== config.applicationId) {
    throw invalidCredentials('The token was issued for another Vonage application.');
  }
  return payload;
}

/** No credentials: a bare challenge, without an error code (RFC 6750 §3.1). */
function required(detail: string): Problem {
  return new Problem('auth_required', detail, { 'WWW-Authenticate': `Bearer realm="${realm}"` });
}

function callerFromClaims(payload: JWTPayload, claims: { identityClaim: string; grantsClaim?: string }): Caller {
  const identity = payload[claims.identityClaim];
  if (typeof identity !== 'string' || identity === '') throw invalidCredentials(`The token has no ${claims.identityClaim} claim.`);
  if (claims.grantsClaim === undefined) return { identity };
  return { identity, allowed: new Set(listClaim(payload[claims.grantsClaim])) };
}

/** A grants claim as an array, or a space- or comma-separated string (OAuth scopes); absent allows nothing. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
