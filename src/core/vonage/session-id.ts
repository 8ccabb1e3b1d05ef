/**
 * A Vonage Video session id as Vonage issues them: a version prefix and URL-safe base64 with `~`,
 * `-` and `_` separators, well under 512 characters. The same rule holds for an id a caller sends
 * and one Vonage answers, since either is signed into a token, returned and remembered.
 */
export const sessionIdPattern = /^[A-Za-z0-9_~.+/=-]{1,512}$/;

/**
 * Whether `value` has the shape of a Video session id.
 *
 * @example isVideoSessionId('2_MX4xMDB-fjE2MjQ0NzU2NjQwNjd-fg') // true
 */
export function isVideoSessionId(value: unknown): value is string {
  return typeof value === 'string' && sessionIdPattern.test(value);
}
