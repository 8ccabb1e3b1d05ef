import type { JWTPayload } from 'jose';
import { Env, readSeconds } from '../config/env';
import { invalidCredentials } from './caller';

export interface CredentialPolicy {
  /** The oldest a bearer token may be, counted from its `iat`: `AUTH_MAX_TOKEN_AGE`. */
  maxAgeSeconds: number;
}

/**
 * Reads `AUTH_MAX_TOKEN_AGE`: 86400 (a day) by default, from 60 to 2592000 (30 days).
 *
 * @example readCredentialPolicy({ AUTH_MAX_TOKEN_AGE: '3600' }) // { maxAgeSeconds: 3600 }
 */
export function readCredentialPolicy(env: Env): CredentialPolicy {
  return { maxAgeSeconds: readSeconds(env, 'AUTH_MAX_TOKEN_AGE', 86_400, 60, 2_592_000) };
}

export interface CredentialLifetimeOptions {
  nowSeconds: number;
  /** `AUTH_CLOCK_TOLERANCE`: how far the issuer's clock may run ahead of ours. */
  clockToleranceSeconds: number;
  maxAgeSeconds: number;
}

/**
 * Refuses a verified bearer token that could outlive its purpose: one without `exp` (jose checks
 * `exp` only when present, so such a token never expires), one without `iat`, one issued in the
 * future beyond the clock tolerance, or one issued more than `maxAgeSeconds` ago, whatever its
 * `exp` says. Call it after jose's `jwtVerify`, which checks the values of `exp` and `nbf`.
 *
 * `iat` is required because without it the age cannot be bounded, and a token minted with a
 * year-long `exp` would be good for a year. Identity providers set it (RFC 9068 §2.2 makes it
 * REQUIRED in JWT access tokens; Auth0, Cognito, Entra ID, Google and Okta all send it), and so
 * does @vonage/jwt's tokenGenerate when an app signs with its Vonage application key.
 *
 * @example
 * checkCredentialLifetime(payload, { nowSeconds: Math.floor(Date.now() / 1000), clockToleranceSeconds: 30, maxAgeSeconds: 86400 });
 */
export function checkCredentialLifetime(payload: JWTPayload, options: CredentialLifetimeOptions): void {
  const { exp, iat } = payload;
  if (!isNumericDate(exp)) throw invalidCredentials('The token has no exp claim; credentials must expire.');
  if (!isNumericDate(iat)) throw invalidCredentials('The token has no iat claim, so its age cannot be checked.');
  if (iat > options.nowSeconds + options.clockToleranceSeconds) {
    throw invalidCredentials('The token\'s iat claim is in the future.');
  }
  if (options.nowSeconds - iat > options.maxAgeSeconds) {
    throw invalidCredentials(`The token was issued more than ${options.maxAgeSeconds} seconds ago (AUTH_MAX_TOKEN_AGE).`);
  }
}

/** RFC 7519 §2 NumericDate: seconds since the epoch, a JSON number. */
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
