import { KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, JWTPayload, ProtectedHeaderParameters } from 'jose';

/** Verifies a Twilio Access Token with jose, independently of the jsonwebtoken that signed it. */
export async function verifyTwilioToken(token: string, secret: string): Promise<{ header: ProtectedHeaderParameters; payload: JWTPayload }> {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return { header: protectedHeader, payload };
}

export { decodeProtectedHeader };

/** Verifies a Vonage RS256 token with jose against the application's public key. */
export async function verifyVonageToken(token: string, publicKey: KeyObject): Promise<{ header: ProtectedHeaderParameters; payload: JWTPayload }> {
  const { payload, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: ['RS256'] });
  return { header: protectedHeader, payload };
}

export function without<T extends Record<string, unknown>>(claims: T, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
}
