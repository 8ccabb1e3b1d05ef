import { Problem } from '../problem';
import { validateIdentity } from '../request/identity';
import { Params, readParam } from '../request/params';

/** Who is asking, as far as the credentials prove it. */
export interface Caller {
  /** The identity bound to verified credentials; undefined when the request may name any identity. */
  identity?: string;
  /**
   * What the credentials allow (Twilio grants, Vonage ACL presets, video roles), from the grants
   * claim; undefined when only the server's own policy applies.
   */
  allowed?: ReadonlySet<string>;
}

/** The tutorial's behaviour: no credentials, any identity, only the server's policy. */
export const anonymousCaller: Caller = {};

/**
 * The identity a token is minted for. With verified credentials it is theirs: a request may
 * repeat it or leave it out, but never name someone else.
 *
 * @example resolveIdentity({ identity: 'alice' }, {}) // 'alice'
 */
export function resolveIdentity(params: Params, caller: Caller): string {
  const requested = readParam(params, 'identity', 'identity_invalid');
  if (caller.identity === undefined) return validateIdentity(requested);
  if (requested !== undefined && requested !== caller.identity) {
    throw new Problem('identity_mismatch', 'identity differs from the one your credentials prove; omit it or send the same value.');
  }
  return validateIdentity(caller.identity);
}

/** Throws `grant_forbidden` (403, RFC 6750 `insufficient_scope`) unless the caller may have `name`. */
export function requireAllowed(caller: Caller, name: string, what: string): void {
  if (caller.allowed !== undefined && !caller.allowed.has(name)) throw grantForbidden(`Your credentials do not allow ${what}.`);
}

export function grantForbidden(detail: string): Problem {
  return new Problem('grant_forbidden', detail, { 'WWW-Authenticate': `Bearer realm="${realm}", error="insufficient_scope"` });
}

/** The realm named in every WWW-Authenticate challenge. */
export const realm = 'rtc-token-service';
