/**
 * A Twilio SID: two letters naming the resource type (AC account, SK API key, RM room, CH
 * conversation, IS service …) and 32 hex digits, 34 characters in all, as Twilio's API reference
 * gives every SID's pattern.
 *
 * @example sidPattern('RM').test('RM0123456789abcdef0123456789abcdef') // true
 */
export function sidPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);
}

/** How a message names the shape: `a Room SID (RM followed by 32 hex characters)`. */
export function sidText(prefix: string, what: string): string {
  return `${what} (${prefix} followed by 32 hex characters)`;
}
