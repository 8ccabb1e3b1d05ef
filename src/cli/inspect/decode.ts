/** A JWT's two readable parts, as they were signed, down to `maxDepth`. */
export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Whether either part nests deeper than `maxDepth`, where its values were replaced by `tooDeep`. */
  truncated: boolean;
}

/**
 * How deep `inspect` reads a token's JSON. The vendors' libraries write at most 4 levels (a Vonage
 * ACL rule's filters); a token nested 10 000 deep would overflow the stack of anything that walks
 * it (printing it, JSON.stringify), so deeper values are replaced and a finding says so.
 */
export const maxDepth = 32;
export const tooDeep = `[nested deeper than ${maxDepth} levels]`;

/** The token is not a compact JWS with JSON header and claims. */
export class MalformedToken extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedToken';
  }
}

/**
 * Decodes without verifying: `inspect` explains tokens whose signature it cannot check.
 *
 * @example (await decodeToken(token)).header.cty // 'twilio-fpa;v=1'
 */
export async function decodeToken(token: string): Promise<DecodedToken> {
  const { decodeJwt, decodeProtectedHeader } = await import('jose');
  let decoded;
  try {
    // decodeJwt refuses JWE and anything but three dot-separated parts with a JSON object payload;
    // JSON.parse reads any depth without recursing.
    decoded = { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch (error) {
    throw new MalformedToken(error instanceof Error ? error.message : 'it cannot be decoded');
  }
  let truncated = false;
  const cut = () => {
    truncated = true;
  };
  const header = withinDepth(decoded.header, 0, cut) as Record<string, unknown>;
  const claims = withinDepth(decoded.claims, 0, cut) as Record<string, unknown>;
  return { header, claims, truncated };
}

/** A copy of `value` with whatever lies deeper than `maxDepth` replaced by `tooDeep`; recursion stops there too. */
function withinDepth(value: unknown, depth: number, cut: () => void): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxDepth) {
    cut();
    return tooDeep;
  }
  if (Array.isArray(value)) return value.map((item) => withinDepth(item, depth + 1, cut));
  // fromEntries defines own properties: a `__proto__` claim stays a claim.
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, withinDepth(item, depth + 1, cut)]));
}

export type TokenKind = 'twilio' | 'vonage-client' | 'vonage-video';

export const kindNames: Record<TokenKind | 'unknown', string> = {
  twilio: 'Twilio Access Token',
  'vonage-client': 'Vonage Client SDK token',
  'vonage-video': 'Vonage Video token',
  unknown: 'Unrecognised token',
};

/**
 * Which vendor's token this is, by the marks each vendor's libraries always set: Twilio's `cty`
 * header or `grants` claim; a Video token's `scope` or `session_id`; a Client SDK token's
 * `application_id` or `acl`. Either mark is enough, so a token missing the other is still
 * recognised and the missing one reported.
 */
export function recognise({ header, claims }: DecodedToken): TokenKind | undefined {
  if ((typeof header.cty === 'string' && header.cty.startsWith('twilio-fpa')) || isObject(claims.grants)) return 'twilio';
  if (claims.scope === 'session.connect' || claims.session_id !== undefined) return 'vonage-video';
  if (claims.application_id !== undefined || claims.acl !== undefined) return 'vonage-client';
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
