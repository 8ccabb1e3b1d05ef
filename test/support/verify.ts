import { decodeProtectedHeader, jwtVerify, JWTPayload, ProtectedHeaderParameters } from 'jose';

/** Verifies a Twilio Access Token with jose, independently of the jsonwebtoken that signed it. */
export async function verifyTwilioToken(token: string, secret: string): Promise<{ header: ProtectedHeaderParameters; payload: JWTPayload }> {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return { header: protectedHeader, payload };
}

export { decodeProtectedHeader };
