import { Problem } from '../problem';

/** Twilio Video's documented identity limit; Vonage user names fit within it too. */
const maxIdentityLength = 128;

/**
 * Whitespace, control characters and lone surrogates: invisible or ambiguous in logs and UIs,
 * and rejected or mangled by the SDKs that display participant identities.
 */
const forbidden = /[\s\p{Cc}\p{Cs}\u2028\u2029\uFEFF]/u;

/**
 * Validates a caller-supplied identity: 1–128 characters (code points, so an emoji counts once),
 * with no whitespace or control characters.
 *
 * @example validateIdentity('alice') // 'alice'
 */
export function validateIdentity(identity: string | undefined): string {
  if (identity === undefined) {
    throw new Problem('identity_missing', 'identity is required: pass ?identity=<name>.');
  }
  if ([...identity].length > maxIdentityLength) {
    throw new Problem('identity_invalid', `identity must be at most ${maxIdentityLength} characters.`);
  }
  if (forbidden.test(identity)) {
    throw new Problem('identity_invalid', 'identity must not contain whitespace or control characters.');
  }
  return identity;
}
