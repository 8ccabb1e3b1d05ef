import { randomUUID, sign as signRsa } from 'node:crypto';
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
  const { beforeIat, afterSub } = clientTemplate(config);
  const iat = nowSeconds();
  const exp = iat + ttl;
  // The claims { application_id, iat, exp, jti, sub, acl } in this order, as JSON.stringify writes them.
  return sign(config, `${beforeIat}${iat},"exp":${exp},"jti":"${randomUUID()}","sub":${JSON.stringify(identity)}${afterSub}`, exp);
}

/** What every client token of one configuration shares: the claims before `iat` and after `sub`. */
interface ClientTemplate {
  beforeIat: string;
  afterSub: string;
}

const clientTemplates = new WeakMap<VonageConfig, ClientTemplate>();

/** Encoded once per configuration: the ACL is the largest claim, and the same in every token. */
function clientTemplate(config: VonageConfig): ClientTemplate {
  let template = clientTemplates.get(config);
  if (template === undefined) {
    template = { beforeIat: `{"application_id":${JSON.stringify(config.applicationId)},"iat":`, afterSub: `,"acl":${JSON.stringify(config.acl)}}` };
    clientTemplates.set(config, template);
  }
  return template;
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
  const claims = {
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
  };
  return sign(config, JSON.stringify(claims), claims.exp);
}

/** The protected header every token carries, encoded once. */
const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' }), 'utf8').toString('base64url');

/**
 * An RS256 JWS of `payload` (the claims' JSON) with the cached KeyObject, through Node's
 * asynchronous `crypto.sign`: the RSA work (the whole cost of a token, no PEM parsing) runs on
 * libuv's thread pool, so a busy host keeps answering other requests on its main thread meanwhile.
 * Signatures beyond the pool's size wait in a short queue; past it the request is shed with
 * `overloaded`. jose's SignJWT, which signed here before, writes the same bytes (RSASSA-PKCS1-v1_5
 * is deterministic; test/core/vonage/mint.test.ts compares them) but validates, encodes and copies
 * more on every call; the key's strength was checked once when the configuration was read.
 */
async function sign(config: VonageConfig, payload: string, expiresAt: number): Promise<MintedVonageToken> {
  const signingInput = `${header}.${Buffer.from(payload, 'utf8').toString('base64url')}`;
  const signature = await config.signing.run(() => new Promise<Buffer>((resolve, reject) => {
    signRsa('sha256', Buffer.from(signingInput, 'utf8'), config.privateKey, (error, signed) => (error ? reject(error) : resolve(signed)));
  }));
  return { token: `${signingInput}.${signature.toString('base64url')}`, expiresAt };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
