import { Finding, VendorAnswer } from './finding';
import { firstInvisible, printable } from './printable';

/**
 * Findings about a user's name in a token (Twilio's `grants.identity`, Vonage's `sub`): invisible
 * characters and non-NFC text make two names that look alike differ, so calls and messages reach
 * a user nobody sees; too long is refused outright where the vendor publishes a limit.
 */
export function identityFindings(
  identity: string, claim: string, accepted: VendorAnswer,
  limit?: { length: number; answer: VendorAnswer },
): Finding[] {
  const findings: Finding[] = [];
  const length = [...identity].length;
  if (limit && length > limit.length) {
    findings.push({
      severity: 'error', code: 'identity_too_long',
      message: `${claim} is ${length} characters long; the limit is ${limit.length}.`, ...limit.answer,
    });
  }
  const invisible = firstInvisible(identity);
  if (invisible) {
    findings.push({
      severity: 'warning', code: 'identity_invisible_characters',
      message: `${claim} "${printable(identity)}" contains an invisible or space character (${invisible}): `
        + 'it will not match the name people see and type.',
      ...accepted,
    });
  }
  if (identity.normalize('NFC') !== identity) {
    findings.push({
      severity: 'warning', code: 'identity_not_nfc',
      message: `${claim} "${printable(identity)}" is not in Unicode NFC: the same name typed on another device `
        + 'arrives composed and names a different user.',
      ...accepted,
    });
  }
  return findings;
}
