import { refusalOf } from '../../support/problem';
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { checkSigningKey } from '../../../src/core/vonage/key-strength';
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
