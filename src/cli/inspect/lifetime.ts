import { Finding, VendorAnswer } from './finding';
import { describe } from './printable';
import { isoTime, maxTimeSeconds, span } from './time-text';

/** A vendor's rule for how long a token may live, and what it answers to each time mistake. */
export interface LifetimeRules {
  /** The longest lifetime the vendor accepts, in seconds, and the same in words. */
  maxLifetime: number;
  maxLifetimeText: string;
  answers: {
    expired: VendorAnswer;
    notYetValid: VendorAnswer;
    tooLong: VendorAnswer;
    /** A time claim that is not a whole number of seconds. */
    invalid: VendorAnswer;
  };
}

/** Clock skew tolerated before an `iat` in the future is worth a warning: NTP keeps servers well within it. */
const skewTolerance = 60;

/**
 * Findings about `iat`, `nbf` and `exp` at `now` (seconds since the epoch): malformed, expired,
 * not yet valid, issued in the future, or living longer than the vendor allows. A missing claim
 * is the caller's to judge: vendors differ on which they require.
 */
export function lifetimeFindings(claims: Record<string, unknown>, now: number, rules: LifetimeRules): Finding[] {
  const findings: Finding[] = [];
  for (const name of ['iat', 'nbf', 'exp']) {
    const value = claims[name];
    if (value !== undefined && readTime(value) === undefined) {
      const outOfRange = typeof value === 'number' && Number.isFinite(value);
      findings.push({
        severity: 'error', code: `${name}_invalid`,
        message: outOfRange
          ? `${name} is ${describe(value)}, beyond any date: times reach ${maxTimeSeconds} seconds either side of 1970 (the year 275760).`
          : `${name} is ${describe(value)}, not a whole number of seconds since 1970.`,
        ...rules.answers.invalid,
      });
    }
  }
  const iat = readTime(claims.iat);
  const nbf = readTime(claims.nbf);
  const exp = readTime(claims.exp);

  if (exp !== undefined && exp <= now) {
    findings.push({
      severity: 'error', code: 'expired',
      message: `The token expired ${span(now - exp)} ago, at ${isoTime(exp)}.`, ...rules.answers.expired,
    });
  }
  if (nbf !== undefined && nbf > now) {
    findings.push({
      severity: 'error', code: 'not_yet_valid',
      message: `The token is not valid before ${isoTime(nbf)}, ${span(nbf - now)} from now.`, ...rules.answers.notYetValid,
    });
  }
  if (iat !== undefined && iat > now + skewTolerance) {
    findings.push({
      severity: 'warning', code: 'issued_in_future',
      message: `The token was issued ${span(iat - now)} in the future (iat ${isoTime(iat)}): the minting server's clock runs ahead.`,
      ...rules.answers.notYetValid,
    });
  }
  const start = iat ?? now;
  if (exp !== undefined && exp - start > rules.maxLifetime) {
    findings.push({
      severity: 'error', code: 'lifetime_too_long',
      message: `The token lives ${span(exp - start)} from ${iat === undefined ? 'now' : 'iat'} to exp, more than the ${rules.maxLifetimeText} the vendor allows.`,
      ...rules.answers.tooLong,
    });
  }
  return findings;
}

/**
 * A JWT NumericDate (RFC 7519 §2) as this check needs it: a number of seconds within the range of
 * a Date (ECMAScript's time values span 8.64e15 ms either side of 1970), so it can be shown as one.
 */
export function readTime(value: unknown): number | undefined {
  return typeof value === 'number' && Math.abs(value) <= maxTimeSeconds ? value : undefined;
}
