import fc from 'fast-check';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { readVonageConfig } from '../../../src/core/vonage/config';
import { mintVonageClientToken, mintVonageVideoToken } from '../../../src/core/vonage/mint';
import { videoSessionId, vonageEnv, vonageKeys } from '../../support/fixtures';

afterEach(() => jest.restoreAllMocks());

const config = readVonageConfig(vonageEnv(), () => undefined);
const messagingConfig = readVonageConfig(vonageEnv({ VONAGE_ACL: 'messaging' }), () => undefined);

/** Characters JSON and its encoders treat specially, and some that are merely far from ASCII. */
const hostileCharacters = ['"', '\\', '/', '\u2028', '\u2029', '\u0000', '\u001f', '\ud800', '\udfff', '🦊', 'é', '<'];
const anyText = fc.string({
  unit: fc.oneof(fc.constantFrom(...hostileCharacters), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 128,
});
const clock = fc.integer({ min: 1e12, max: 1e13 - 1 });
const ttl = fc.integer({ min: 60, max: 86400 });

/** The token jose's SignJWT writes for these claims, in this order: what signed `/vonage-token`'s tokens before. */
function joseToken(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(config.privateKey);
}

async function verified(token: string, nowMs: number) {
  return (await jwtVerify(token, vonageKeys().publicKey, { algorithms: ['RS256'], currentDate: new Date(nowMs) })).payload;
}

describe('Vonage tokens are the ones jose\'s SignJWT writes, byte for byte', () => {
  test('client tokens, for any identity, TTL, clock and ACL', async () => {
    await fc.assert(fc.asyncProperty(anyText, ttl, clock, fc.constantFrom(config, messagingConfig), async (identity, seconds, nowMs, deployment) => {
      jest.spyOn(Date, 'now').mockReturnValue(nowMs);
      const { token, expiresAt } = await mintVonageClientToken(deployment, identity, seconds);

      const iat = Math.floor(nowMs / 1000);
      const { jti } = decodeJwt(token);
      const claims = { application_id: deployment.applicationId, iat, exp: iat + seconds, jti, sub: identity, acl: deployment.acl };
      expect(await verified(token, nowMs)).toEqual(claims);
      expect(token).toBe(await joseToken(claims));
      expect(expiresAt).toBe(iat + seconds);
    }), { numRuns: 60 });
  });

  test('Video tokens, for any role, connection data, TTL and clock', async () => {
    const roles = fc.constantFrom('subscriber', 'publisher', 'moderator') as fc.Arbitrary<'subscriber' | 'publisher' | 'moderator'>;
    await fc.assert(fc.asyncProperty(roles, fc.option(anyText, { nil: undefined }), ttl, clock, async (role, data, seconds, nowMs) => {
      jest.spyOn(Date, 'now').mockReturnValue(nowMs);
      const { token, expiresAt } = await mintVonageVideoToken(config, { sessionId: videoSessionId, role, ttl: seconds, data });

      const iat = Math.floor(nowMs / 1000);
      const claims = {
        scope: 'session.connect', session_id: videoSessionId, role, initial_layout_class_list: '',
        ...(data === undefined ? {} : { connection_data: data }),
        sub: 'video', acl: { paths: { '/session/**': {} } }, application_id: config.applicationId, iat, exp: iat + seconds, jti: decodeJwt(token).jti,
      };
      expect(await verified(token, nowMs)).toEqual(claims);
      expect(token).toBe(await joseToken(claims));
      expect(expiresAt).toBe(iat + seconds);
    }), { numRuns: 30 });
  });

  test('every token has its own jti, a version 4 UUID', async () => {
    const jtis = await Promise.all([1, 2, 3].map(async () => decodeJwt((await mintVonageClientToken(config, 'alice', 60)).token).jti));
    expect(new Set(jtis).size).toBe(3);
    for (const jti of jtis) expect(jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
