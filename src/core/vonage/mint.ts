import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { VonageConfig, VideoRole } from './config';

export interface MintedVonageToken {
  token: string;
  /** The token's `exp` claim, in seconds since the epoch. */
  expiresAt: number;
}

/**
 * A Client SDK user token: the claims Vonage Cloud Runtime's `createVonageToken` and
 * @vonage/jwt's `tokenGenerate` produce, without tokenGenerate's stray `subject` claim.
 *
 * @example mintVonageClientToken(config, 'alice', 900).token
 */
export function mintVonageClientToken(config: VonageConfig, identity: string, ttl: number): Promise<MintedVonageToken> {
  const iat = nowSeconds();
  return sign(config, {
    application_id: config.applicationId, iat, exp: iat + ttl, jti: randomUUID(), sub: identity, acl: config.acl,
  });
}

export interface VideoTokenSpec {
  sessionId: string;
  role: VideoRole;
  ttl: number;
  /** Application data every participant sees for this connection (at most 1000 characters). */
  data?: string;
}

/**
 * A Vonage Video API client token with the claims @vonage/video's `generateClientToken` makes.
 * `exp` is in seconds: tokens with millisecond expiries effectively never expire.
 */
export function mintVonageVideoToken(config: VonageConfig, spec: VideoTokenSpec): Promise<MintedVonageToken> {
  const iat = nowSeconds();
  return sign(config, {
    scope: 'session.connect',
    session_id: spec.sessionId,
    role: spec.role,
    initial_layout_class_list: '',
    ...(spec.data === undefined ? {} : { connection_data: spec.data }),
    sub: 'video',
    acl: { paths: { '/session/**': {} } },
    application_id: config.applicationId,
    iat,
    exp: iat + spec.ttl,
    jti: randomUUID(),
  });
}

/**
 * RS256 with the cached KeyObject through jose, which signs with Node's asynchronous
 * `crypto.sign`: the RSA work (the whole cost of a token, no PEM parsing) runs on libuv's thread
 * pool, so a busy host keeps answering other requests on its main thread meanwhile. Signatures
 * beyond the pool's size wait in a short queue; past it the request is shed with `overloaded`.
 */
async function sign(config: VonageConfig, claims: { iat: number; exp: number } & Record<string, unknown>): Promise<MintedVonageToken> {
  const token = await config.signing.run(() => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(config.privateKey));
  return { token, expiresAt: claims.exp };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
