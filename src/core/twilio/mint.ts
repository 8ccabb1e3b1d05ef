import { createHmac } from 'node:crypto';
import { TwilioConfig } from './config';
import { buildGrant, GrantRequest, TwilioGrantName } from './grants';
import type { Platform } from './push';

export interface TwilioTokenSpec extends GrantRequest {
  identity: string;
  ttl: number;
  grants: readonly TwilioGrantName[];
}

export interface MintedToken {
  token: string;
  /** The token's `exp` claim, in seconds since the epoch. */
  expiresAt: number;
}

/**
 * Mints a Twilio Access Token: byte for byte the JWT twilio's `AccessToken` writes for the same
 * inputs and clock (the same header, claims, key order and signature), for a fraction of the work.
 * `AccessToken` builds grant objects, validates them and the claims (jsonwebtoken), serialises and
 * base64-encodes everything on every call (~18 µs with a KeyObject secret, bench). Here the header
 * is encoded once per configuration and the grants' JSON once per grant set and platform, from
 * twilio's own grant classes; a token is the request's claims spliced in, one base64 and one
 * HMAC-SHA256 with the cached KeyObject. test/core/twilio/mint.test.ts proves the equality over a
 * property-based sweep.
 *
 * @example mintTwilioToken(config, { identity: 'alice', ttl: 3600, grants: ['video'] }).token
 */
export function mintTwilioToken(config: TwilioConfig, spec: TwilioTokenSpec): MintedToken {
  const compiled = compiledFor(config);
  const template = grantsTemplate(compiled, config, spec.grants, spec.platform);
  // An empty room is no room, as the video grant reads it.
  const around = spec.room ? template.aroundRoom : undefined;
  const grants = around === undefined ? template.roomless : around[0] + JSON.stringify(spec.room) + around[1];
  // One clock read for jti, iat and exp. AccessToken reads the clock twice (jti, then jsonwebtoken's
  // iat), so across a second boundary its two can differ by one; here they always agree.
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + spec.ttl;
  // AccessToken's payload is { jti, grants }; jsonwebtoken then adds iat, exp, iss and sub, in that order.
  const payload = `${compiled.jtiOpen}${now}","grants":{"identity":${JSON.stringify(spec.identity)}${grants}},"iat":${now},"exp":${expiresAt}${compiled.issuerAndSubject}`;
  const signingInput = `${compiled.header}.${Buffer.from(payload, 'utf8').toString('base64url')}`;
  const signature = createHmac('sha256', config.signingKey).update(signingInput).digest('base64url');
  return { token: `${signingInput}.${signature}`, expiresAt };
}

/** What every token of one configuration shares. */
interface Compiled {
  /** The protected header, base64url-encoded. */
  header: string;
  /** The payload up to the jti's timestamp. */
  jtiOpen: string;
  /** `iss` and `sub`, and the payload's closing brace. */
  issuerAndSubject: string;
  /**
   * The grants' JSON per grant set and platform. Bounded by construction: grant names come from
   * the grant table and platforms from a fixed list, so there are at most a few hundred keys.
   */
  grants: Map<string, GrantsTemplate>;
}

/** One grant set's JSON after the identity, for one platform (which picks the push credentials). */
interface GrantsTemplate {
  /** Without a room. */
  roomless: string;
  /** Before and after the room's JSON string, for requests that name one; undefined when no grant takes a room. */
  aroundRoom?: readonly [string, string];
}

const compiledConfigs = new WeakMap<TwilioConfig, Compiled>();

function compiledFor(config: TwilioConfig): Compiled {
  let compiled = compiledConfigs.get(config);
  if (compiled === undefined) {
    // jsonwebtoken's header is { alg, typ } with AccessToken's { cty, twr } assigned over it.
    const header = { alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', ...(config.region === undefined ? {} : { twr: config.region }) };
    compiled = {
      header: Buffer.from(JSON.stringify(header), 'utf8').toString('base64url'),
      jtiOpen: `{"jti":${JSON.stringify(`${config.apiKey}-`).slice(0, -1)}`,
      issuerAndSubject: `,"iss":${JSON.stringify(config.apiKey)},"sub":${JSON.stringify(config.accountSid)}}`,
      grants: new Map(),
    };
    compiledConfigs.set(config, compiled);
  }
  return compiled;
}

/**
 * A room can hold no control character (the room rule refuses them), so this one marks where the
 * room's JSON goes in a template built by the grant classes themselves.
 */
const roomMark = '\u0000room';

function grantsTemplate(compiled: Compiled, config: TwilioConfig, names: readonly TwilioGrantName[], platform: Platform | undefined): GrantsTemplate {
  const key = `${names.join(',')}|${platform ?? ''}`;
  let template = compiled.grants.get(key);
  if (template === undefined) {
    const json = (room: string | undefined) => names.map((name) => {
      const grant = buildGrant(name, config, { room, platform });
      return `,${JSON.stringify(grant.key)}:${JSON.stringify(grant.toPayload())}`;
    }).join('');
    const marked = json(roomMark);
    const mark = JSON.stringify(roomMark);
    const at = marked.indexOf(mark);
    template = {
      roomless: json(undefined),
      // Without the video grant nothing takes a room: the endpoint refuses one, and AccessToken would leave it out.
      aroundRoom: at < 0 ? undefined : [marked.slice(0, at), marked.slice(at + mark.length)],
    };
    compiled.grants.set(key, template);
  }
  return template;
}
