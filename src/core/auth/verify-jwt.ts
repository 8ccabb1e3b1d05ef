import type { KeyObject } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { Problem } from '../problem';
import { invalidCredentials } from './caller';

export interface VerifyOptions {
  /** Fixed by the configuration, never read from the token. */
  algorithms: string[];
  issuer?: string;
  audience?: string;
  clockTolerance: number;
}

/** Failures to fetch the key set are the provider's (503, retried later); the rest are the token's (401). */
const providerFailures = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Verifies a JWT with jose, loaded on first use so a deployment that never verifies a JWT never
 * loads it. Every failure is a problem: `auth_invalid` for the token, `auth_unavailable` for a key
 * set that could not be fetched.
 *
 * @example const claims = await verifyJwt(token, publicKey, { algorithms: ['RS256'], clockTolerance: 30 });
 */
export async function verifyJwt(token: string, key: KeyObject | JWTVerifyGetKey, options: VerifyOptions): Promise<JWTPayload> {
  const { jwtVerify, errors } = await import('jose');
  try {
    // Two calls because jose's overloads take a key or a key-set function, not a union of both.
    const { payload } = typeof key === 'function'
      ? await jwtVerify(token, key, options)
      : await jwtVerify(token, key, options);
    return payload;
  } catch (error) {
    // The key set's own problems (auth_unavailable with Retry-After) pass through as they are.
    if (error instanceof Problem) throw error;
    if (!(error instanceof errors.JOSEError) || providerFailures.has(error.code)) {
      throw new Problem('auth_unavailable', 'The identity provider\'s key set could not be fetched; try again shortly.');
    }
    if (error instanceof errors.JWTExpired) throw invalidCredentials('The token has expired.');
    if (error instanceof errors.JWTClaimValidationFailed) throw invalidCredentials(`The token's ${error.claim} claim is not acceptable.`);
    throw invalidCredentials('The token is not valid.');
  }
}
