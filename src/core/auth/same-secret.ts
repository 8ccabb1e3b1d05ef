import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret equals the configured one, in constant time: SHA-256 digests are
 * compared, equal in length whatever was sent, so neither the secret's length nor a matching
 * prefix can be timed.
 *
 * @example sameSecret(presentedPasscode, config.passcode) // true or false
 */
export function sameSecret(candidate: string, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}
