/** The furthest instant a Date holds, in seconds either side of 1970 (ECMAScript §21.4.1.1): 8.64e15 ms. */
export const maxTimeSeconds = 8.64e12;

/**
 * A number of seconds since the epoch as ISO 8601 UTC, to the second (JWT times are whole seconds).
 *
 * @example isoTime(1795442400) // '2026-11-23T14:00:00Z'
 */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A length of time in its largest whole unit, rounded down: a token that expires in 14 min 59 s
 * "expires in 14 min", never later than it does.
 *
 * @example span(3 * 3600 + 59 * 60) // '3 h'
 */
export function span(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** A time claim relative to `now`, in the words its meaning calls for. */
export function relativeTime(claim: string, seconds: number, now: number): string {
  const delta = seconds - now;
  switch (claim) {
    case 'exp':
      return delta > 0 ? `expires in ${span(delta)}` : `expired ${span(delta)} ago`;
    case 'nbf':
      return delta > 0 ? `valid in ${span(delta)}` : `valid since ${span(delta)} ago`;
    case 'iat':
      return delta > 0 ? `issued ${span(delta)} in the future` : `issued ${span(delta)} ago`;
    default:
      return delta > 0 ? `in ${span(delta)}` : `${span(delta)} ago`;
  }
}
