import { createHash, createPublicKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, JWTPayload } from 'jose';
import { Env } from '../config/env';
import { Host } from '../endpoint';
import { logEvent } from '../log';
import { Problem } from '../problem';
import { Headers, Params, readHeader, readParam } from '../request/params';
import { loadVonageConfig } from '../vonage/config';
import { anonymousCaller, Caller, realm } from './caller';
import { AuthConfig, loadAuthConfig } from './config';

/**
 * Checks the caller's credentials against `AUTH_MODE` and returns who they are. A presented
 * credential is never echoed, logged or put in a problem: messages say what was wrong, not what
 * was sent.
 *
 * @example const caller = await authenticate(request.params, request.headers, host);
 */
export async function authenticate(params: Params, headers: Headers, host: Host): Promise<Caller> {
  const config = loadAuthConfig(host.env);
  switch (config.mode) {
    case 'none':
      warnIfOpen(host.env);
      return anonymousCaller;
    case 'passcode':
      checkPasscode(bearerToken(headers) ?? readParam(params, 'passcode', 'auth_invalid'), config.passcode);
      return anonymousCaller;
    case 'jwt':
      return callerFromClaims(await verifyJwt(requireBearer(headers), config), config);
    case 'vonage':
      return callerFromClaims(await verifyVonageJwt(requireBearer(headers), host, config.clockTolerance), {
        identityClaim: 'sub', grantsClaim: undefined,
      });
  }
}

/** The bearer token, undefined when there is none; other schemes count as none (RFC 6750 §3.1). */
function bearerToken(headers: Headers): string | undefined {
  const authorization = readHeader(headers, 'authorization') ?? '';
  if (!/^Bearer\b/i.test(authorization)) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw invalid('The Authorization header is not a well-formed bearer token.');
  return match[1];
}

function requireBearer(headers: Headers): string {
  const token = bearerToken(headers);
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
  if (!timingSafeEqual(digest(candidate), digest(passcode))) throw invalid('The passcode is not correct.');
}

async function verifyJwt(token: string, config: Extract<AuthConfig, { mode: 'jwt' }>): Promise<JWTPayload> {
  const options = { algorithms: config.algorithms, issuer: config.issuer, audience: config.audience, clockTolerance: config.clockTolerance };
  try {
    // Two calls because jose's overloads take a key or a key-set function, not a union of both.
    const { payload } = config.key instanceof KeyObject
      ? await jwtVerify(token, config.key, options)
      : await jwtVerify(token, config.key, options);
    return payload;
  } catch (error) {
    throw verificationProblem(error);
  }
}

const publicKeys = new WeakMap<KeyObject, KeyObject>();

/** Tokens signed with the Vonage application's own key, as Vonage Cloud Runtime's verifyAuth accepts. */
async function verifyVonageJwt(token: string, host: Host, clockTolerance: number): Promise<JWTPayload> {
  const vonage = loadVonageConfig(host.env, host.readPrivateAsset);
  let publicKey = publicKeys.get(vonage.privateKey);
  if (!publicKey) {
    publicKey = createPublicKey(vonage.privateKey);
    publicKeys.set(vonage.privateKey, publicKey);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, { algorithms: ['RS256'], clockTolerance }));
  } catch (error) {
    throw verificationProblem(error);
  }
  if (payload.application_id !== undefined && payload.application_id !== vonage.applicationId) {
    throw invalid('The token was issued for another Vonage application.');
  }
  return payload;
}

/** Failures to fetch the key set are the provider's (503, retried next request); the rest are the token's (401). */
const providerFailures = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

function verificationProblem(error: unknown): Problem {
  if (!(error instanceof errors.JOSEError) || providerFailures.has(error.code)) {
    return new Problem('auth_unavailable', 'The identity provider\'s key set could not be fetched; try again shortly.');
  }
  if (error instanceof errors.JWTExpired) return invalid('The token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(`The token's ${error.claim} claim is not acceptable.`);
  return invalid('The token is not valid.');
}

/** No credentials: a bare challenge, without an error code (RFC 6750 §3.1). */
function required(detail: string): Problem {
  return new Problem('auth_required', detail, { 'WWW-Authenticate': `Bearer realm="${realm}"` });
}

function invalid(detail: string): Problem {
  return new Problem('auth_invalid', detail, { 'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_token"` });
}

function callerFromClaims(payload: JWTPayload, claims: { identityClaim: string; grantsClaim?: string }): Caller {
  const identity = payload[claims.identityClaim];
  if (typeof identity !== 'string' || identity === '') throw invalid(`The token has no ${claims.identityClaim} claim.`);
  if (claims.grantsClaim === undefined) return { identity };
  return { identity, allowed: new Set(listClaim(payload[claims.grantsClaim])) };
}

/** A grants claim as an array, or a space- or comma-separated string (OAuth scopes); absent allows nothing. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

let warnedOpen = false;

/**
 * One warning per warm container when tokens are issued without authentication anywhere but on
 * a developer's machine, where AUTH_MODE=none is the convenient default.
 */
function warnIfOpen(env: Env): void {
  if (warnedOpen) return;
  warnedOpen = true;
  const domain = env.DOMAIN_NAME ?? '';
  const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(domain) || ['development', 'test'].includes(env.NODE_ENV ?? '');
  if (!local) {
    logEvent({
      level: 'warn', event: 'auth_disabled',
      message: 'AUTH_MODE is none: anyone who can reach this service gets tokens for any identity. Set AUTH_MODE (see README).',
    });
  }
}
