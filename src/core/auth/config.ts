import { createSecretKey, KeyObject } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { Env, invalidConfig, missingConfig, readSeconds, readVar, requireVars, secretSource } from '../config/env';
import { Problem } from '../problem';
import type { VonageConfig } from '../vonage/config';
import { readCredentialPolicy } from './lifetime';

export const authModes = ['none', 'passcode', 'jwt', 'vonage'] as const;
export type AuthMode = (typeof authModes)[number];

/** Asymmetric algorithms an identity provider's key set may use; never `none` or HMAC. */
const jwksAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A key set fetched on first use: jose (and the fetch) load only when a token must be verified. */
export type RemoteKeySet = () => Promise<JWTVerifyGetKey>;

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'passcode'; passcode: string }
  | {
    mode: 'jwt';
    /** A remote key set (fetched and cached for the process's life) or an HS256 secret. */
    key: RemoteKeySet | KeyObject;
    /** Fixed by the configuration, never read from the token. */
    algorithms: string[];
    issuer?: string;
    audience?: string;
    identityClaim: string;
    grantsClaim?: string;
    clockTolerance: number;
    /** `AUTH_MAX_TOKEN_AGE`: the oldest a bearer token may be, from its `iat`. */
    maxAge: number;
  }
  | {
    mode: 'vonage';
    /** The public half of the Vonage application key: the tokens it verifies were signed with the private half. */
    publicKey: KeyObject;
    applicationId: string;
    /** `AUTH_AUDIENCE`: the `aud` a credential must carry, which no token this service mints does. */
    audience: string;
    clockTolerance: number;
    maxAge: number;
  };

/** HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2). */
const minSecretBytes = 32;
const minPasscodeLength = 8;

/**
 * Reads `AUTH_MODE` and what it needs. `vonage` mode verifies with the Vonage application's key,
 * so it takes the Vonage configuration (or the problem that keeps it from loading).
 *
 * @example readAuthConfig({ AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct horse battery' }, vonage).mode // 'passcode'
 */
export function readAuthConfig(env: Env, vonage: VonageConfig | Problem): AuthConfig {
  const mode = readVar(env, 'AUTH_MODE') ?? 'none';
  const clockTolerance = readSeconds(env, 'AUTH_CLOCK_TOLERANCE', 30, 0, 300);
  switch (mode) {
    case 'none':
      return { mode };
    case 'passcode': {
      const { AUTH_PASSCODE } = requireVars(env, ['AUTH_PASSCODE']);
      if (AUTH_PASSCODE.length < minPasscodeLength) {
        throw invalidConfig(secretSource(env, 'AUTH_PASSCODE'), `at least ${minPasscodeLength} characters`);
      }
      return { mode, passcode: AUTH_PASSCODE };
    }
    case 'jwt':
      return { mode, clockTolerance, maxAge: readCredentialPolicy(env).maxAgeSeconds, ...readJwtKey(env), ...readClaims(env) };
    case 'vonage': {
      if (vonage instanceof Problem) throw vonage;
      // The application key also signs every client token this service mints: only an audience
      // those tokens never carry tells a backend's credential from a token handed to a browser.
      const { AUTH_AUDIENCE } = requireVars(env, ['AUTH_AUDIENCE']);
      return {
        mode, clockTolerance, maxAge: readCredentialPolicy(env).maxAgeSeconds,
        publicKey: vonage.publicKey, applicationId: vonage.applicationId, audience: AUTH_AUDIENCE,
      };
    }
    default:
      throw invalidConfig('AUTH_MODE', authModes.join(', '));
  }
}

function readJwtKey(env: Env) {
  const jwksUrl = readVar(env, 'AUTH_JWKS_URL');
  const secret = readVar(env, 'AUTH_JWT_SECRET');
  if (jwksUrl !== undefined) {
    // A key set shared by many apps (Google, Auth0, Cognito …) signs tokens for all of them:
    // without issuer and audience checks, another app's token would be accepted here.
    const { AUTH_ISSUER, AUTH_AUDIENCE } = requireVars(env, ['AUTH_ISSUER', 'AUTH_AUDIENCE']);
    return { key: remoteKeySet(parseJwksUrl(jwksUrl)), algorithms: jwksAlgorithms, issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE };
  }
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < minSecretBytes) throw invalidConfig(secretSource(env, 'AUTH_JWT_SECRET'), `at least ${minSecretBytes} bytes`);
    return {
      key: createSecretKey(Buffer.from(secret, 'utf8')),
      algorithms: ['HS256'],
      issuer: readVar(env, 'AUTH_ISSUER'),
      audience: readVar(env, 'AUTH_AUDIENCE'),
    };
  }
  throw missingConfig(['AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE) or AUTH_JWT_SECRET']);
}

/**
 * The key set for `url`, created on first use (loading jose then, not at start-up) and shared by
 * every request after it, so its cache and failure cooldown hold for the process's life.
 */
function remoteKeySet(url: URL): RemoteKeySet {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  return () => {
    keySet ??= import('./key-set').then((module) => module.remoteKeySet({ url }));
    return keySet;
  };
}

/** Key sets must come over HTTPS; plain HTTP only from this machine, for development and tests. */
function parseJwksUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidConfig('AUTH_JWKS_URL', 'an https URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalidConfig('AUTH_JWKS_URL', 'an https URL');
  }
  return url;
}

function readClaims(env: Env) {
  return {
    identityClaim: readVar(env, 'AUTH_IDENTITY_CLAIM') ?? 'sub',
    grantsClaim: readVar(env, 'AUTH_GRANTS_CLAIM'),
  };
}
