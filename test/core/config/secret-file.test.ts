import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSecretFile } from '../../../src/core/config/secret-file';
import { vonageKeys } from '../../support/fixtures';
import { refusalOf } from '../../support/problem';

describe('readSecretFile', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'secret-file-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const notAKeyFile = { code: 'config_invalid', status: 500, detail: 'VONAGE_PRIVATE_KEY_PATH is not a regular file of at most 64 KB.' };

  test('reads a PEM key file as it is', () => {
    const path = join(dir, 'private.key');
    writeFileSync(path, vonageKeys().privatePem, { mode: 0o600 });
    expect(readSecretFile(path, 'VONAGE_PRIVATE_KEY_PATH')).toBe(vonageKeys().privatePem);
  });

  test('follows a symlink to a regular file, as mounted secrets are', () => {
    const path = join(dir, 'private.key');
    writeFileSync(path, vonageKeys().privatePem);
    symlinkSync(path, join(dir, 'link.key'));
    expect(readSecretFile(join(dir, 'link.key'), 'VONAGE_PRIVATE_KEY_PATH')).toBe(vonageKeys().privatePem);
  });

  test('reads a file of exactly 64 KB', () => {
    const path = join(dir, 'large.key');
    writeFileSync(path, 'k'.repeat(64 * 1024));
    expect(readSecretFile(path, 'VONAGE_PRIVATE_KEY_PATH')).toHaveLength(64 * 1024);
  });

  test('refuses /dev/zero, a character device that never ends', () => {
    expect(refusalOf(() => readSecretFile('/dev/zero', 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a directory', () => {
    expect(refusalOf(() => readSecretFile(dir, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a 70 KB file', () => {
    const path = join(dir, 'huge.key');
    writeFileSync(path, 'k'.repeat(70 * 1024));
    expect(refusalOf(() => readSecretFile(path, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a FIFO without waiting for a writer', () => {
    const path = join(dir, 'fifo.key');
    execFileSync('mkfifo', [path]);
    expect(refusalOf(() => readSecretFile(path, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a path that does not exist, naming the variable only', () => {
    expect(refusalOf(() => readSecretFile(join(dir, 'missing.key'), 'VONAGE_PRIVATE_KEY_PATH'))).toEqual({
      code: 'config_invalid', status: 500, detail: 'VONAGE_PRIVATE_KEY_PATH is not a readable file.',
    });
  });
});
