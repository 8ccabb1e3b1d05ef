import { refusalOf } from '../../support/problem';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSigningKey, readKeyFile } from '../../../src/core/vonage/key-strength';
import { vonageKeys } from '../../support/fixtures';

describe('checkSigningKey', () => {
  const weak = { code: 'config_invalid', status: 500, detail: 'VONAGE_PRIVATE_KEY is not an RSA private key of at least 2048 bits.' };

  test('accepts a 2048-bit RSA private key', () => {
    expect(checkSigningKey(createPrivateKey(vonageKeys().privatePem), 'VONAGE_PRIVATE_KEY')).toBeUndefined();
  });

  test.each<[string, () => KeyObject]>([
    ['a 1024-bit RSA key', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey],
    ['a 2047-bit RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2047 }).privateKey],
    ['an EC P-256 key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey],
    ['a 2048-bit RSA-PSS key, which cannot sign RS256', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey],
    ['a 2048-bit RSA public key', () => vonageKeys().publicKey],
  ])('refuses %s: config_invalid naming the source', (_name, key) => {
    expect(refusalOf(() => checkSigningKey(key(), 'VONAGE_PRIVATE_KEY'))).toEqual(weak);
  });

  test('names the source it is given', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(refusalOf(() => checkSigningKey(key, 'the private asset /vonage-private.key')).detail)
      .toBe('the private asset /vonage-private.key is not an RSA private key of at least 2048 bits.');
  });
});

describe('readKeyFile', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'key-file-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const notAKeyFile = { code: 'config_invalid', status: 500, detail: 'VONAGE_PRIVATE_KEY_PATH is not a regular file of at most 64 KB.' };

  test('reads a PEM key file as it is', () => {
    const path = join(dir, 'private.key');
    writeFileSync(path, vonageKeys().privatePem, { mode: 0o600 });
    expect(readKeyFile(path, 'VONAGE_PRIVATE_KEY_PATH')).toBe(vonageKeys().privatePem);
  });

  test('follows a symlink to a regular file, as mounted secrets are', () => {
    const path = join(dir, 'private.key');
    writeFileSync(path, vonageKeys().privatePem);
    symlinkSync(path, join(dir, 'link.key'));
    expect(readKeyFile(join(dir, 'link.key'), 'VONAGE_PRIVATE_KEY_PATH')).toBe(vonageKeys().privatePem);
  });

  test('reads a file of exactly 64 KB', () => {
    const path = join(dir, 'large.key');
    writeFileSync(path, 'k'.repeat(64 * 1024));
    expect(readKeyFile(path, 'VONAGE_PRIVATE_KEY_PATH')).toHaveLength(64 * 1024);
  });

  test('refuses /dev/zero, a character device that never ends', () => {
    expect(refusalOf(() => readKeyFile('/dev/zero', 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a directory', () => {
    expect(refusalOf(() => readKeyFile(dir, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a 70 KB file', () => {
    const path = join(dir, 'huge.key');
    writeFileSync(path, 'k'.repeat(70 * 1024));
    expect(refusalOf(() => readKeyFile(path, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a FIFO without waiting for a writer', () => {
    const path = join(dir, 'fifo.key');
    execFileSync('mkfifo', [path]);
    expect(refusalOf(() => readKeyFile(path, 'VONAGE_PRIVATE_KEY_PATH'))).toEqual(notAKeyFile);
  });

  test('refuses a path that does not exist, naming the variable only', () => {
    expect(refusalOf(() => readKeyFile(join(dir, 'missing.key'), 'VONAGE_PRIVATE_KEY_PATH'))).toEqual({
      code: 'config_invalid', status: 500, detail: 'VONAGE_PRIVATE_KEY_PATH is not a readable file.',
    });
  });
});
