import type { KeyObject } from 'node:crypto';
import { invalidConfig } from '../config/env';

/**
 * NIST SP 800-131A disallows RSA under 2048 bits for signatures, and Vonage's dashboard generates
 * 2048-bit keys; a shorter key also fails later, as a bare 500, when OpenSSL refuses to sign.
 */
const minModulusBits = 2048;

/**
 * Refuses a key that cannot sign Vonage's RS256 tokens safely: anything but an RSA private key
 * (RSA-PSS keys cannot sign RS256), or a modulus under 2048 bits. `source` names where the key
 * came from (a variable or an asset), never the key.
 *
 * @example checkSigningKey(createPrivateKey(pem), 'VONAGE_PRIVATE_KEY');
 */
export function checkSigningKey(key: KeyObject, source: string): void {
  const bits = key.type === 'private' && key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
  if (bits === undefined || bits < minModulusBits) {
    throw invalidConfig(source, `an RSA private key of at least ${minModulusBits} bits`);
  }
}
