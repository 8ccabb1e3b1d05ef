/** A JWT's two readable parts, as they were signed. */
export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

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
  try {
    // decodeJwt refuses JWE and anything but three dot-separated parts with a JSON object payload.
    const claims = decodeJwt(token);
    return { header: decodeProtectedHeader(token), claims };
  } catch (error) {
    throw new MalformedToken(error instanceof Error ? error.message : 'it cannot be decoded');
  }
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
