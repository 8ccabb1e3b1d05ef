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

function hex(character: string): string {
  return character.codePointAt(0)!.toString(16).toUpperCase();
}
