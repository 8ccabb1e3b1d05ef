/**
 * Characters a reader cannot see for what they are: controls (an ESC could rewrite the terminal),
 * format characters (zero-width spaces, bidirectional overrides), lone surrogates and every space.
 */
const invisible = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/u;

/**
 * The first invisible character and where it sits (1-based, in code points), or undefined.
 *
 * @example firstInvisible('alice\u200b') // 'U+200B at position 6'
 */
export function firstInvisible(text: string): string | undefined {
  const characters = [...text];
  const at = characters.findIndex((character) => invisible.test(character));
  return at < 0 ? undefined : `U+${hex(characters[at]).padStart(4, '0')} at position ${at + 1}`;
}

/**
 * Text safe to print: invisible characters other than the plain space become `\u{…}` escapes, so
 * a token can neither drive the terminal nor hide part of a name from the person reading.
 *
 * @example printable('alice\u200b') // 'alice\\u{200B}'
 */
export function printable(text: string): string {
  return text.replace(new RegExp(`(?! )${invisible.source}`, 'gu'), (character) => `\\u{${hex(character)}}`);
}

/**
 * A claim's value for a message: quoted and printable when a string, JSON otherwise.
 *
 * @example describe(undefined) // 'missing'
 */
export function describe(value: unknown): string {
  return value === undefined ? 'missing' : typeof value === 'string' ? `"${printable(value)}"` : printable(String(JSON.stringify(value)));
}

/**
 * JSON text safe to print. JSON.stringify escapes C0 controls only; every other invisible
 * character (C1 controls such as U+009B, a terminal's CSI; bidirectional overrides such as
 * U+202E; zero-width and other format characters; separators other than the space) becomes a
 * `\u` escape too, which any JSON parser reads back as the same character.
 *
 * @example printableJson({ identity: 'ali\u202Ece' }) // '{\n  "identity": "ali\\u202ece"\n}'
 */
export function printableJson(value: unknown): string {
  // Outside strings the text holds only spaces and newlines of its own, which stay as they are.
  return JSON.stringify(value, null, 2).replace(new RegExp(`(?![ \\n])${invisible.source}`, 'gu'), jsonEscape);
}

/** `\uXXXX` for each UTF-16 unit, as JSON writes a character outside the Basic Multilingual Plane. */
function jsonEscape(character: string): string {
  let escaped = '';
  for (let unit = 0; unit < character.length; unit++) escaped += `\\u${character.charCodeAt(unit).toString(16).padStart(4, '0')}`;
  return escaped;
}

function hex(character: string): string {
  return character.codePointAt(0)!.toString(16).toUpperCase();
}
