/**
 * The one rule for text from outside that the service passes on to others: identities, room
 * names and Video connection data end up in every participant's SDK, UI and log line.
 */

/** How much of the rule a kind of text takes on. */
export interface TextRule {
  /** In code points, so an emoji counts once, as the vendors count. */
  maxLength: number;
  /**
   * Whether it names someone or something: then text that looks like another name must not be
   * another name, so invisible characters and spaces other than U+0020 are refused too.
   */
  name: boolean;
  /** `none`: no whitespace at all; `inner`: U+0020 between other characters; `any`: any space separator (Zs). */
  spaces: 'none' | 'inner' | 'any';
}

/**
 * Every character no text may hold, with the words for it in a refusal:
 * - control characters (Cc), which include tab, CR and LF: they break log lines and UIs;
 * - unpaired surrogates (Cs): not text, and encoders turn them into U+FFFD or fail;
 * - U+FFFD: it only appears where bytes failed to decode, so different inputs would collapse into one;
 * - format characters (Cf), invisible by design: bidi controls (after U+202E, "alice" + U+202E +
 *   "nimda" displays as "aliceadmin"), zero-width characters, soft hyphen, BOM;
 * - line and paragraph separators (Zl, Zp), which end lines like LF does.
 */
const neverAllowed: ReadonlyArray<[RegExp, string]> = [
  [/\p{Cc}/u, 'control characters'],
  [/\p{Cs}/u, 'unpaired surrogates'],
  [/\uFFFD/u, 'U+FFFD, which stands for bytes that could not be decoded'],
  [/\p{Cf}/u, 'invisible formatting characters'],
  [/[\p{Zl}\p{Zp}]/u, 'line separators'],
];

/**
 * Characters that render as nothing beyond Cf (Unicode's Default_Ignorable_Code_Point: Hangul
 * fillers such as U+3164, the combining grapheme joiner, variation selectors): a name followed by
 * one looks exactly like the name. Connection data is not a name and keeps them, since emoji in
 * display text carry variation selectors.
 */
const invisible = /\p{Default_Ignorable_Code_Point}/u;

/** U+0020 to U+007E without `%`: no control, invisible, non-NFC or percent-escaped character can be among them. */
const printableAscii = /^[\x20-\x24\x26-\x7E]*$/;

/**
 * Why `text` breaks `rule`, as a phrase to follow the text's name, or undefined when it holds.
 * The phrase names the offending code point and its position, never the text.
 *
 * @example textFault('alice\u200B', { maxLength: 128, name: true, spaces: 'none' })
 * // 'must not contain invisible formatting characters (U+200B at character 6)'
 */
export function textFault(text: string, rule: TextRule): string | undefined {
  // Most names are printable ASCII without `%`: nothing in them can break the rule but their
  // length and, for rooms, outer spaces, so the per-character scan (7 patterns each) is skipped.
  if (printableAscii.test(text) && (rule.spaces !== 'none' || !text.includes(' '))) {
    if (text.length > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
    return rule.spaces === 'inner' && (text.startsWith(' ') || text.endsWith(' ')) ? 'must not start or end with a space' : undefined;
  }
  let position = 0;
  for (const character of text) {
    position += 1;
    if (position > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
    const kind = forbiddenKind(character, rule);
    if (kind !== undefined) return `must not contain ${kind} (${codePoint(character)} at character ${position})`;
  }
  // A name holding a percent-escape came through a decoder that gave up: Twilio's runtime and
  // express leave `a%FFb` as those five characters when `%FF` is not UTF-8, so `a%FFb` and the
  // bytes it stood for would be one name. Hosts that see the raw bytes refuse them before this.
  const escape = rule.name ? /%[0-9A-Fa-f]{2}/.exec(text) : null;
  if (escape !== null) return `must not contain percent-encoding (${escape[0]} at character ${[...text.slice(0, escape.index)].length + 1})`;
  if (rule.spaces === 'inner' && (text.startsWith(' ') || text.endsWith(' '))) {
    // "standup " and "standup" would be two rooms that read the same.
    return 'must not start or end with a space';
  }
  // Refused rather than normalised: "é" as e + U+0301 and as U+00E9 look the same, and quietly
  // issuing the token for another string than the one asked for would hide the caller's bug.
  if (text.normalize('NFC') !== text) return 'must be in Unicode normalization form C (NFC)';
  return undefined;
}

function forbiddenKind(character: string, rule: TextRule): string | undefined {
  for (const [pattern, kind] of neverAllowed) {
    if (pattern.test(character)) return kind;
  }
  if (rule.name && invisible.test(character)) return 'invisible characters';
  if (/\s/u.test(character)) {
    if (rule.spaces === 'none') return 'whitespace';
    if (rule.spaces === 'inner' && character !== ' ') return 'whitespace other than spaces';
  }
  return undefined;
}

/** U+XXXX, the way Unicode names a code point. */
function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
