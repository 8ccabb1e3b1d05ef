import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { invalidConfig } from './problems';

/** A PEM RSA key is under 4 KB even at 8192 bits, a password or URL far less: anything much larger is not a secret. */
const maxSecretFileBytes = 64 * 1024;

/**
 * Reads a file named by `variable` (a key, a password, a URL with one), reading at most 64 KB
 * whatever the path names: reading `/dev/zero` whole ends the process with `std::bad_alloc`, and
 * opening a FIFO waits for a writer (hence O_NONBLOCK, which regular files ignore). The checks use
 * the opened descriptor, so the path cannot be swapped between check and read. Refusals name the
 * variable, never the path's contents.
 *
 * @example readSecretFile('/run/secrets/vonage.key', 'VONAGE_PRIVATE_KEY_FILE') // '-----BEGIN PRIVATE KEY-----\n…'
 */
export function readSecretFile(path: string, variable: string): string {
  const text = readFileIfPresent(path, variable);
  if (text === undefined) throw invalidConfig(variable, 'a readable file');
  return text;
}

/**
 * {@link readSecretFile} for a file that may be absent (`.env`): undefined when nothing is at
 * `path`, the same refusals, naming `name`, for anything else.
 *
 * @example readFileIfPresent('/srv/app/.env', '.env') // undefined, or 'ACCOUNT_SID=AC…\n…'
 */
export function readFileIfPresent(path: string, name: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalidConfig(name, 'a readable file');
  }
  try {
    const notASecretFile = invalidConfig(name, `a regular file of at most ${maxSecretFileBytes / 1024} KB`);
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxSecretFileBytes) throw notASecretFile;
    // One byte more than allowed, to notice a file that grew after fstat.
    const buffer = Buffer.alloc(maxSecretFileBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readBytes(fd, buffer, length, name);
      if (read === 0) break;
      length += read;
    }
    if (length > maxSecretFileBytes) throw notASecretFile;
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function readBytes(fd: number, buffer: Buffer, offset: number, name: string): number {
  try {
    return readSync(fd, buffer, offset, buffer.length - offset, null);
  } catch {
    throw invalidConfig(name, 'a readable file');
  }
}
