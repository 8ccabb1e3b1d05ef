import { Problem } from '../problem';
import { textFault, TextRule } from './text';

/**
 * Twilio's documented identity limit; Vonage user names fit within it too. No whitespace at all:
 * "alice" and "alice " (or "alice" + U+00A0) would be different participants that read the same.
 */
export const identityRule: TextRule = { maxLength: 128, name: true, spaces: 'none' };

/**
 * Twilio Video's limit for a room's unique name. Spaces are common in room names ("daily
 * standup"), but only U+0020 and only between words: other spaces (U+00A0, U+3000) look the same
 * and would make two rooms of one name.
 */
export const roomRule: TextRule = { maxLength: 128, name: true, spaces: 'inner' };

/**
 * Vonage's limit for a Video connection's data. Data is the app's own payload (often JSON with a
 * display name), shown but never used to tell participants apart, so any space separator is
 * fine; characters that break or hide text are refused as everywhere.
 */
export const connectionDataRule: TextRule = { maxLength: 1000, name: false, spaces: 'any' };

/** Absent as the request readers treat it: a missing member, a JSON null, an empty form field. */
function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * Why `value` cannot be an identity, as a phrase to follow a name, or undefined when it can. For
 * identities that arrive elsewhere than in the request, such as a verified token's claim, where
 * the refusal is `auth_invalid`.
 *
 * @example identityFault(12345) // 'must be a string'
 */
export function identityFault(value: unknown): string | undefined {
  if (isAbsent(value)) return 'is missing';
  if (typeof value !== 'string') return 'must be a string';
  return textFault(value, identityRule);
}

/**
 * The identity a request names: 1–128 characters with no whitespace, nothing invisible or
 * undecodable, in NFC. Absent is `identity_missing`, anything else refused `identity_invalid`.
 *
 * @example validateIdentity('alice') // 'alice'
 * @example validateIdentity('alice\u200B') // throws identity_invalid
 */
export function validateIdentity(value: unknown): string {
  if (isAbsent(value)) throw new Problem('identity_missing', 'identity is required: pass ?identity=<name>.');
  const fault = identityFault(value);
  if (fault !== undefined) throw new Problem('identity_invalid', `identity ${fault}.`);
  return value as string;
}

/**
 * A Video room's name, undefined when absent: 1–128 characters, spaces only between words.
 * Anything else is `param_invalid`.
 *
 * @example validateRoomName('daily standup') // 'daily standup'
 */
export function validateRoomName(value: unknown): string | undefined {
  return validateOptional(value, 'room', roomRule, 'param_invalid');
}

/**
 * A Video connection's data, undefined when absent: at most 1000 characters. Anything else is
 * `data_invalid`.
 *
 * @example validateConnectionData('{"name":"Zoë"}') // '{"name":"Zoë"}'
 */
export function validateConnectionData(value: unknown): string | undefined {
  return validateOptional(value, 'data', connectionDataRule, 'data_invalid');
}

function validateOptional(value: unknown, name: string, rule: TextRule, code: 'param_invalid' | 'data_invalid'): string | undefined {
  if (isAbsent(value)) return undefined;
  const fault = typeof value === 'string' ? textFault(value, rule) : 'must be a string';
  if (fault !== undefined) throw new Problem(code, `${name} ${fault}.`);
  return value as string;
}
