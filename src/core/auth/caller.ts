import { Problem } from '../problem';
import { validateIdentity } from '../request/identity';
import { Params } from '../request/params';

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
 * The identity a token is minted for. With verified credentials it is theirs (already checked by
 * the same rule when the claim was read): a request may repeat it or leave it out, but never name
 * someone else.
 *
 * @example resolveIdentity({ identity: 'alice' }, {}) // 'alice'
 */
export function resolveIdentity(params: Params, caller: Caller): string {
  if (caller.identity === undefined) return validateIdentity(params.identity);
  const requested = params.identity;
  if (requested === undefined || requested === null || requested === '') return caller.identity;
  if (validateIdentity(requested) !== caller.identity) {
    throw new Problem('identity_mismatch', 'identity differs from the one your credentials prove; omit it or send the same value.');
  }
  return caller.identity;
}

/** Throws `grant_forbidden` (403, RFC 6750 `insufficient_scope`) unless the caller may have `name`. */
export function requireAllowed(caller: Caller, name: string, what: string): void {
  if (caller.allowed !== undefined && !caller.allowed.has(name)) throw grantForbidden(`Your credentials do not allow ${what}.`);
}

/**
 * `auth_invalid` with RFC 6750's `invalid_token` challenge, for credentials that were presented
 * but cannot be accepted.
 *
 * @example throw invalidCredentials('The token has expired.');
 */
export function invalidCredentials(detail: string): Problem {
  return new Problem('auth_invalid', detail, { 'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_token"` });
}

export function grantForbidden(detail: string): Problem {
  return new Problem('grant_forbidden', detail, { 'WWW-Authenticate': `Bearer realm="${realm}", error="insufficient_scope"` });
}

/** The realm named in every WWW-Authenticate challenge. */
export const realm = 'rtc-token-service';
