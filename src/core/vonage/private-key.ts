import { createPrivateKey, KeyObject } from 'node:crypto';
import { Env, firstVar, invalidConfig, readVar } from '../config/env';
import { checkSigningKey } from './key-strength';

/** The text of a private asset by its path (e.g. `/vonage-private.key`), where the host has them. */
export type ReadAsset = (path: string) => string | undefined;

/** Where the private asset lives on Twilio: `assets/vonage-private.private.key`, never served. */
export const defaultPrivateKeyAsset = '/vonage-private.key';

/**
 * Variables that hold the key: ours first (inline, or in the file its `_FILE` form, alias
 * `VONAGE_PRIVATE_KEY_PATH`, names), then the ones Vonage Cloud Runtime injects.
 */
const keyVars = ['VONAGE_PRIVATE_KEY', 'PRIVATE_KEY', 'VCR_PRIVATE_KEY'];

export const privateKeyVars = [...keyVars, 'VONAGE_PRIVATE_KEY_ASSET'];

/** Every way to supply the key, for the message when none is found. */
export const privateKeySources =
  'VONAGE_PRIVATE_KEY (or VONAGE_PRIVATE_KEY_FILE, or the private asset assets/vonage-private.private.key on Twilio)';

/**
 * Finds and parses the application's private key into a KeyObject: PEM from a variable or a
 * file, then a Twilio private asset (a deployed Twilio variable holds at most 450 bytes; a 2048-bit
 * PEM is ~1.7 KB). Returns undefined when no source is set.
 */
export function loadPrivateKey(env: Env, readAsset: ReadAsset): KeyObject | undefined {
  const given = firstVar(env, keyVars);
  if (given) return parseRsaKey(given.value, given.name);

  const asset = readVar(env, 'VONAGE_PRIVATE_KEY_ASSET') ?? defaultPrivateKeyAsset;
  const text = readAsset(asset);
  return text === undefined ? undefined : parseRsaKey(text, `the private asset ${asset}`);
}

/**
 * Parses PEM text into an RSA KeyObject. `.env` files and dashboards often store the PEM on one
 * line with literal `\n` escapes; those become newlines. Parse errors are replaced by a message
 * that names the source only, since OpenSSL's own errors can quote the input.
 */
function parseRsaKey(text: string, source: string): KeyObject {
  const pem = text.replace(/\\n/g, '\n').trim();
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw invalidConfig(source, 'a PEM RSA private key');
  }
  checkSigningKey(key, source);
  return key;
}
