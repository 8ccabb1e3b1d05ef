import { refusalOf } from '../../support/problem';
import { JWTPayload, jwtVerify } from 'jose';
import { checkVonageCredential } from '../../../src/core/auth/vonage-credential';
import { readVonageConfig } from '../../../src/core/vonage/config';
import { mintVonageClientToken, mintVonageVideoToken } from '../../../src/core/vonage/mint';
import { videoSessionId, vonageApplicationId, vonageEnv, vonageKeys } from '../../support/fixtures';

const audience = 'rtc-token-service';
const options = { audience, applicationId: vonageApplicationId };
const challenge = { 'WWW-Authenticate': 'Bearer realm="rtc-token-service", error="invalid_token"' };

/** A credential as an app's backend would sign one with its Vonage application key. */
const credential: JWTPayload = { sub: 'alice', aud: audience, application_id: vonageApplicationId, iat: 1_800_000_000, exp: 1_800_000_900, jti: 'j-1' };

const refused = (detail: string) => ({ code: 'auth_invalid', status: 401, detail, headers: challenge });

describe('checkVonageCredential', () => {
  test.each<[string, JWTPayload]>([
    ['aud naming this service', credential],
    ['aud listing this service among others', { ...credential, aud: ['https://api.example.com', audience] }],
    ['no application_id', { sub: 'alice', aud: audience, iat: 1, exp: 2 }],
    ['an OAuth scope that is not the Video one', { ...credential, scope: 'openid profile' }],
  ])('accepts a credential with %s', (_name, payload) => {
    expect(checkVonageCredential(payload, options)).toBeUndefined();
  });

  const wrongAudience = 'The token\'s aud claim does not name this service (AUTH_AUDIENCE).';

  test.each<[string, JWTPayload, string]>([
    ['no aud', { ...credential, aud: undefined }, wrongAudience],
    ['another aud', { ...credential, aud: 'another-service' }, wrongAudience],
    ['an aud that only starts with ours', { ...credential, aud: `${audience}-admin` }, wrongAudience],
    ['an aud list without ours', { ...credential, aud: ['a', 'b'] }, wrongAudience],
    ['an empty aud list', { ...credential, aud: [] }, wrongAudience],
    ['an acl', { ...credential, acl: { paths: { '/*/users/**': {} } } }, 'The token carries an acl claim: it is a Vonage Client SDK token, not a credential for this service.'],
    ['a null acl', { ...credential, acl: null }, 'The token carries an acl claim: it is a Vonage Client SDK token, not a credential for this service.'],
    ['the Video scope', { ...credential, scope: 'session.connect' }, videoMark('scope')],
    ['a session_id', { ...credential, session_id: videoSessionId }, videoMark('session_id')],
    ['a role', { ...credential, role: 'moderator' }, videoMark('role')],
    ['sub "video"', { ...credential, sub: 'video' }, videoMark('sub')],
    ['another application_id', { ...credential, application_id: 'ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee' }, 'The token was issued for another Vonage application.'],
    ['a null application_id', { ...credential, application_id: null }, 'The token was issued for another Vonage application.'],
  ])('refuses a token with %s: 401 auth_invalid saying which rule failed', (_name, payload, detail) => {
    expect(refusalOf(() => checkVonageCredential(payload, options))).toEqual(refused(detail));
  });
});

describe('the tokens this service mints, presented back as credentials', () => {
  const config = readVonageConfig(vonageEnv(), () => undefined);

  async function verified(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, vonageKeys().publicKey, { algorithms: ['RS256'] });
    return payload;
  }

  test('a client SDK token verifies against the application key, and is refused', async () => {
    const payload = await verified((await mintVonageClientToken(config, 'alice', 60)).token);
    expect(payload.aud).toBeUndefined();
    expect(refusalOf(() => checkVonageCredential(payload, options))).toEqual(
      refused('The token carries an acl claim: it is a Vonage Client SDK token, not a credential for this service.'),
    );
  });

  test.each([['publisher'], ['subscriber'], ['moderator']] as const)('a %s Video token verifies against the application key, and is refused', async (role) => {
    const payload = await verified((await mintVonageVideoToken(config, { sessionId: videoSessionId, role, ttl: 60, data: 'x' })).token);
    expect(payload.aud).toBeUndefined();
    expect(refusalOf(() => checkVonageCredential(payload, options))).toEqual(
      refused('The token carries an acl claim: it is a Vonage Client SDK token, not a credential for this service.'),
    );
  });

  test('a minted Video token is still refused for its Video claims with its acl removed and our aud added', async () => {
    const payload = await verified((await mintVonageVideoToken(config, { sessionId: videoSessionId, role: 'publisher', ttl: 60 })).token);
    const { acl: _acl, ...withoutAcl } = payload;
    expect(refusalOf(() => checkVonageCredential({ ...withoutAcl, aud: audience }, options))).toEqual(refused(videoMark('scope')));
  });
});

function videoMark(claim: string): string {
  return `The token's ${claim} claim marks a Vonage Video token, which is not a credential for this service.`;
}
