import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';

/** What signing a REST call needs: the fields of `VonageConfig` with the KeyObject parsed once. */
export interface AppCredentials {
  applicationId: string;
  privateKey: KeyObject;
}

/**
 * Five minutes: a token covers one REST call made right away, so a leaked one is soon useless.
 * Vonage's own SDKs sign these for 15 minutes (@vonage/jwt's default ttl of 900 s).
 */
const appJwtTtl = 300;

/**
 * An application JWT for Vonage's REST APIs (Video, Users): RS256 with the claims Vonage's JWT
 * authentication requires of a server, `application_id`, `iat`, `exp` and a fresh `jti`, and no
 * `sub` or `acl`, which would narrow it to a Client SDK user.
 *
 * @example
 * const authorization = `Bearer ${await appJwt(config)}`;
 */
export async function appJwt(credentials: AppCredentials): Promise<string> {
  // jose loads on the first upstream call, not with the module; `require` rather than `import()`,
  // so bundles load the same CommonJS jose as the rest of the service.
  const { SignJWT } = require('jose') as typeof import('jose');
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ application_id: credentials.applicationId, iat, exp: iat + appJwtTtl, jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .sign(credentials.privateKey);
}
