import type { KeyObject } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { invalidConfig } from '../config/env';

/**
 * NIST SP 800-131A disallows RSA under 2048 bits for signatures, and Vonage's dashboard generates
 * 2048-bit keys; a shorter key also fails later, as a bare 500, when OpenSSL refuses to sign.
 */
const minModulusBits = 2048;

/** A PEM RSA key is under 4 KB even at 8192 bits; anything much larger is not a key. */
const maxKeyFileBytes = 64 * 1024;

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

/**
 * Reads a key file named by `variable`, reading at most 64 KB whatever the path names: reading
 * `/dev/zero` whole ends the process with `std::bad_alloc`, and opening a FIFO waits for a writer
 * (hence O_NONBLOCK, which regular files ignore). The checks use the opened descriptor, so the
 * path cannot be swapped between check and read.
 *
 * @example readKeyFile('/run/secrets/vonage.key', 'VONAGE_PRIVATE_KEY_PATH') // '-----BEGIN PRIVATE KEY-----\n…'
 */
export function readKeyFile(path: string, variable: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw invalidConfig(variable, 'a readable file');
  }
  try {
    const notAKeyFile = invalidConfig(variable, `a regular file of at most ${maxKeyFileBytes / 1024} KB`);
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxKeyFileBytes) throw notAKeyFile;
    // One byte more than allowed, to notice a file that grew after fstat.
    const buffer = Buffer.alloc(maxKeyFileBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readBytes(fd, buffer, length, variable);
      if (read === 0) break;
      length += read;
    }
    if (length > maxKeyFileBytes) throw notAKeyFile;
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function readBytes(fd: number, buffer: Buffer, offset: number, variable: string): number {
  try {
    return readSync(fd, buffer, offset, buffer.length - offset, null);
  } catch {
    throw invalidConfig(variable, 'a readable file');
  }
}
