import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { Answer, callEndpoint } from '../../support/core';
import { fullTwilioEnv, twilioCredentials, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys } from '../../support/fixtures';
import { audience, IdentityProvider, issuer, unsecuredJwt } from '../../support/identity-provider';
import { verifyTwilioToken, verifyVonageToken } from '../../support/verify';

const idp = new IdentityProvider();
const challenge = 'Bearer realm="rtc-token-service"';
const invalidChallenge = 'Bearer realm="rtc-token-service", error="invalid_token"';
let logLines: string[];

beforeAll(() => idp.start());
afterAll(() => idp.stop());
beforeEach(() => {
  logLines = [];
});

/** Calls an endpoint and keeps its log fields as the line a host would write. */
async function call(path: string, env: Record<string, string>, event: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await callEndpoint(path, env, event, headers);
  logLines.push(JSON.stringify(answer.log));
  return answer;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function token(env: Record<string, string>, event: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call('/token', { ...fullTwilioEnv, ...env }, event, headers);
}

async function identityIn(response: Answer): Promise<string> {
  expect(response.statusCode).toBe(200);
  const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
  return (payload.grants as { identity: string }).identity;
}

/** A refusal: status, code and challenge exact, and the credential nowhere in the answer or the log. */
function expectRefused(response: Answer, status: number, code: string, wwwAuthenticate: string | undefined, credential?: string) {
  expect(response.statusCode).toBe(status);
  expect(response.json()).toMatchObject({ status, code });
  expect(response.headers['WWW-Authenticate']).toBe(wwwAuthenticate);
  expect(response.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
  if (credential !== undefined) {
    expect(JSON.stringify(response.json())).not.toContain(credential);
    expect(JSON.stringify(response.headers)).not.toContain(credential);
    for (const line of logLines) expect(line).not.toContain(credential);
  }
}

describe('AUTH_MODE=jwt with a remote key set', () => {
  test('takes the identity from the verified sub claim and logs identity and outcome only', async () => {
    const jwt = await idp.sign({ sub: 'alice' });
    const response = await token(idp.env(), {}, bearer(jwt));
    expect(await identityIn(response)).toBe('alice');
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0])).toMatchObject({ outcome: 'issued', identity: 'alice' });
    expect(logLines[0]).not.toContain(jwt);
  });

  test('accepts a request that repeats the same identity', async () => {
    const response = await token(idp.env(), { identity: 'alice' }, bearer(await idp.sign({ sub: 'alice' })));
    expect(await identityIn(response)).toBe('alice');
  });

  test('refuses a request naming another identity: 403 identity_mismatch', async () => {
    const jwt = await idp.sign({ sub: 'alice' });
    const response = await token(idp.env(), { identity: 'mallory' }, bearer(jwt));
    expectRefused(response, 403, 'identity_mismatch', undefined, jwt);
    expect(JSON.parse(logLines[0])).toMatchObject({ outcome: 'refused', code: 'identity_mismatch', identity: 'alice' });
  });

  test('AUTH_IDENTITY_CLAIM picks another claim', async () => {
    const response = await token(idp.env({ AUTH_IDENTITY_CLAIM: 'email' }), {}, bearer(await idp.sign({ sub: 'u-1', email: 'alice@example.com' })));
    expect(await identityIn(response)).toBe('alice@example.com');
  });

  test('a token without the identity claim is invalid', async () => {
    const response = await token(idp.env({ AUTH_IDENTITY_CLAIM: 'email' }), {}, bearer(await idp.sign({ sub: 'u-1' })));
    expectRefused(response, 401, 'auth_invalid', invalidChallenge);
  });

  test('claims are the token\'s own: AUTH_IDENTITY_CLAIM=constructor never finds Object\'s', async () => {
    const response = await token(idp.env({ AUTH_IDENTITY_CLAIM: 'constructor' }), {}, bearer(await idp.sign({ sub: 'u-1' })));
    expectRefused(response, 401, 'auth_invalid', invalidChallenge);
    expect(response.json().detail).toBe('The token\'s constructor claim is missing.');
  });

  test('no credentials: 401 auth_required with a bare Bearer challenge', async () => {
    expectRefused(await token(idp.env(), { identity: 'alice' }), 401, 'auth_required', challenge);
  });

  test('another scheme counts as no credentials (RFC 6750 §3.1)', async () => {
    expectRefused(await token(idp.env(), {}, { authorization: 'Basic YWxpY2U6c2VjcmV0' }), 401, 'auth_required', challenge, 'YWxpY2U6c2VjcmV0');
  });

  test.each([
    ['an empty bearer', 'Bearer '],
    ['a bearer with two parts', 'Bearer abc def'],
  ])('a malformed Authorization header (%s) is invalid_token', async (_name, header) => {
    expectRefused(await token(idp.env(), {}, { authorization: header }), 401, 'auth_invalid', invalidChallenge);
  });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string>, string]> = [
    ['garbage', async () => 'not.a.jwt', 'The token is not valid.'],
    ['a bad signature (another key, same kid)', () => idp.sign({}, { key: otherKey }), 'The token is not valid.'],
    ['an expired token, past the 30 s tolerance', () => idp.sign({}, { expiresIn: now() - 60 }), 'The token has expired.'],
    ['a not-yet-valid token, past the tolerance', () => idp.sign({}, { notBefore: now() + 120 }), 'The token\'s nbf claim is not acceptable.'],
    ['the wrong issuer', () => idp.sign({}, { iss: 'https://evil.example/' }), 'The token\'s iss claim is not acceptable.'],
    ['the wrong audience', () => idp.sign({}, { aud: 'another-app' }), 'The token\'s aud claim is not acceptable.'],
    ['alg none', async () => unsecuredJwt({ sub: 'alice', iss: issuer, aud: audience, exp: now() + 300 }), 'The token is not valid.'],
    ['HS256 signed with the provider\'s RSA public key', async () => new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256', kid: idp.kid }).setIssuer(issuer).setAudience(audience).setExpirationTime('5m')
      .sign(new TextEncoder().encode(idp.publicKey.export({ type: 'spki', format: 'pem' }) as string)), 'The token is not valid.'],
  ];
  test.each(cases)('refuses %s: 401 invalid_token', async (_name, makeToken, detail) => {
    const jwt = await makeToken();
    const response = await token(idp.env(), {}, bearer(jwt));
    expectRefused(response, 401, 'auth_invalid', invalidChallenge, jwt);
    expect(response.json().detail).toBe(detail);
  });

  test('an expiry within the clock tolerance is accepted, and AUTH_CLOCK_TOLERANCE=0 removes it', async () => {
    const jwt = await idp.sign({}, { expiresIn: now() - 10 });
    expect(await identityIn(await token(idp.env(), {}, bearer(jwt)))).toBe('alice');
    expectRefused(await token(idp.env({ AUTH_CLOCK_TOLERANCE: '0' }), {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge);
  });
});

describe('AUTH_GRANTS_CLAIM limits what a caller may get', () => {
  const env = () => idp.env({ AUTH_GRANTS_CLAIM: 'rtc' });

  test('the default narrows to the allowed grants', async () => {
    const response = await token(env(), {}, bearer(await idp.sign({ rtc: ['video', 'sync'] })));
    expect(response.json().grants).toEqual(['video', 'sync']);
  });

  test('a space-separated scope string works too', async () => {
    const response = await token(env(), { grants: 'chat' }, bearer(await idp.sign({ rtc: 'chat voice' })));
    expect(response.json().grants).toEqual(['chat']);
  });

  test('asking for more is 403 grant_forbidden with insufficient_scope', async () => {
    const response = await token(env(), { grants: 'video,voice' }, bearer(await idp.sign({ rtc: ['video'] })));
    expectRefused(response, 403, 'grant_forbidden', 'Bearer realm="rtc-token-service", error="insufficient_scope"');
    expect(response.json().detail).toBe('Your credentials do not allow the voice grant.');
  });

  test('a token without the claim is allowed nothing', async () => {
    const response = await token(env(), {}, bearer(await idp.sign({})));
    expectRefused(response, 403, 'grant_forbidden', 'Bearer realm="rtc-token-service", error="insufficient_scope"');
  });

  test('/vonage-token: the configured ACL preset must be allowed', async () => {
    const jwt = await idp.sign({ rtc: ['messaging'] });
    const allowed = await call('/vonage-token', { ...vonageEnv({ VONAGE_ACL: 'messaging' }), ...env() }, {}, bearer(jwt));
    expect(allowed.statusCode).toBe(200);
    const refused = await call('/vonage-token', { ...vonageEnv(), ...env() }, {}, bearer(jwt));
    expectRefused(refused, 403, 'grant_forbidden', 'Bearer realm="rtc-token-service", error="insufficient_scope"');
  });

  test('/vonage-token video: a subscriber-only caller gets subscriber by default and cannot publish', async () => {
    const jwt = await idp.sign({ rtc: ['subscriber'] });
    const vonage = { ...vonageEnv(), ...env() };
    const response = await call('/vonage-token', vonage, { kind: 'video', session_id: videoSessionId }, bearer(jwt));
    expect(response.json()).toMatchObject({ role: 'subscriber', identity: 'alice' });
    const publish = await call('/vonage-token', vonage, { kind: 'video', session_id: videoSessionId, role: 'publisher' }, bearer(jwt));
    expectRefused(publish, 403, 'grant_forbidden', 'Bearer realm="rtc-token-service", error="insufficient_scope"');
  });
});

describe('identity binding on /vonage-token', () => {
  test('the token\'s sub is the verified identity, and another identity is refused', async () => {
    const jwt = await idp.sign({ sub: 'bob' });
    const vonage = { ...vonageEnv(), ...idp.env() };
    const response = await call('/vonage-token', vonage, {}, bearer(jwt));
    const { payload } = await verifyVonageToken(response.json().token as string, vonageKeys().publicKey);
    expect(payload.sub).toBe('bob');
    expectRefused(await call('/vonage-token', vonage, { identity: 'alice' }, bearer(jwt)), 403, 'identity_mismatch', undefined, jwt);
  });
});

describe('identity provider outage', () => {
  test('an unreachable key set is 503 auth_unavailable, and the next request tries again', async () => {
    const provider = new IdentityProvider();
    await provider.start();
    const env = provider.env();
    const jwt = await provider.sign({ sub: 'carol' });

    provider.status = 'error';
    expectRefused(await token(env, {}, bearer(jwt)), 503, 'auth_unavailable', undefined, jwt);
    await provider.stop();
    expectRefused(await token(env, {}, bearer(jwt)), 503, 'auth_unavailable', undefined, jwt);

    provider.status = 'ok';
    await provider.start();
    expect(await identityIn(await token(provider.env(), {}, bearer(jwt)))).toBe('carol');
    await provider.stop();
  });
});

describe('AUTH_MODE=jwt with AUTH_JWT_SECRET (HS256 app session tokens)', () => {
  const secret = 'a-session-signing-secret-of-32-bytes!';
  const env = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret };
  const hs256 = (key: Uint8Array | ReturnType<typeof generateKeyPairSync>['privateKey'], alg = 'HS256') =>
    new SignJWT({ sub: 'dave' }).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime('5m').sign(key);

  test('accepts a token signed with the secret', async () => {
    expect(await identityIn(await token(env, {}, bearer(await hs256(new TextEncoder().encode(secret)))))).toBe('dave');
  });

  test('refuses a token signed with another secret or another algorithm', async () => {
    const otherSecret = await hs256(new TextEncoder().encode('another-secret-that-is-long-enough!!'));
    expectRefused(await token(env, {}, bearer(otherSecret)), 401, 'auth_invalid', invalidChallenge, otherSecret);
    const rs256 = await hs256(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256');
    expectRefused(await token(env, {}, bearer(rs256)), 401, 'auth_invalid', invalidChallenge, rs256);
  });
});

describe('AUTH_MODE=passcode', () => {
  const passcode = 'correct-horse-battery';
  const env = { AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode };

  test('the right passcode as a bearer token or a parameter is accepted; identity comes from the request', async () => {
    expect(await identityIn(await token(env, { identity: 'erin' }, bearer(passcode)))).toBe('erin');
    expect(await identityIn(await token(env, { identity: 'erin', passcode }))).toBe('erin');
  });

  test.each([
    ['a wrong passcode', 'correct-horse-batterx'],
    ['a prefix of it', 'correct-horse'],
    ['a longer one', `${passcode}!`],
  ])('%s is 401 invalid_token, never echoed', async (_name, wrong) => {
    expectRefused(await token(env, { identity: 'erin' }, bearer(wrong)), 401, 'auth_invalid', invalidChallenge, wrong);
    expectRefused(await token(env, { identity: 'erin', passcode: wrong }), 401, 'auth_invalid', invalidChallenge, wrong);
  });

  test('no passcode is 401 auth_required', async () => {
    expectRefused(await token(env, { identity: 'erin' }), 401, 'auth_required', challenge);
  });
});

describe('AUTH_MODE=vonage', () => {
  const env = () => ({ ...vonageEnv(), AUTH_MODE: 'vonage', AUTH_AUDIENCE: 'https://tokens.example.com' });
  const signWith = (key: ReturnType<typeof generateKeyPairSync>['privateKey'] | string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'frank', application_id: vonageApplicationId, aud: 'https://tokens.example.com', ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('5m')
      .sign(typeof key === 'string' ? require('node:crypto').createPrivateKey(key) : key);

  test('accepts a token signed with the application\'s private key; identity from sub', async () => {
    const jwt = await signWith(vonageKeys().privatePem);
    const response = await call('/vonage-token', env(), {}, bearer(jwt));
    const { payload } = await verifyVonageToken(response.json().token as string, vonageKeys().publicKey);
    expect(payload.sub).toBe('frank');
  });

  test('refuses a token signed with another key, or for another application', async () => {
    const forged = await signWith(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    expectRefused(await call('/vonage-token', env(), {}, bearer(forged)), 401, 'auth_invalid', invalidChallenge, forged);
    const otherApp = await signWith(vonageKeys().privatePem, { application_id: '11111111-2222-4333-8444-555555555555' });
    expectRefused(await call('/vonage-token', env(), {}, bearer(otherApp)), 401, 'auth_invalid', invalidChallenge, otherApp);
  });

  test('protects /token too, with the Vonage application key', async () => {
    const jwt = await signWith(vonageKeys().privatePem);
    expect(await identityIn(await token(env(), {}, bearer(jwt)))).toBe('frank');
  });
});

describe('auth misconfiguration is a 500 problem naming the variables', () => {
  test.each([
    [{ AUTH_MODE: 'jwt' }, 'config_missing', 'Set AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE) or AUTH_JWT_SECRET in the environment or .env file.'],
    [{ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example/jwks' }, 'config_missing', 'Set AUTH_ISSUER, AUTH_AUDIENCE in the environment or .env file.'],
    [{ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'http://idp.example/jwks', AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience }, 'config_invalid', 'AUTH_JWKS_URL is not an https URL.'],
    [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'short' }, 'config_invalid', 'AUTH_JWT_SECRET is not at least 32 bytes.'],
    [{ AUTH_MODE: 'passcode' }, 'config_missing', 'Set AUTH_PASSCODE in the environment or .env file.'],
    [{ AUTH_MODE: 'passcode', AUTH_PASSCODE: '1234' }, 'config_invalid', 'AUTH_PASSCODE is not at least 8 characters.'],
    [{ AUTH_MODE: 'oauth' }, 'config_invalid', 'AUTH_MODE is not none, passcode, jwt, vonage.'],
    [{ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_CLOCK_TOLERANCE: '3600' }, 'config_invalid', 'AUTH_CLOCK_TOLERANCE is not a whole number of seconds between 0 and 300.'],
  ])('%p → %s', async (env, code, detail) => {
    const response = await token(env, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code, detail });
  });
});

describe('credentials cannot outlive their purpose', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  test.each([
    ['no exp', { expiresIn: null }, 'The token has no exp claim; credentials must expire.'],
    ['an iat a year in the future', { issuedAt: nowSeconds() + 365 * 86400, expiresIn: nowSeconds() + 366 * 86400 }, 'The token\'s iat claim is in the future.'],
    ['an iat older than AUTH_MAX_TOKEN_AGE', { issuedAt: nowSeconds() - 7200, expiresIn: nowSeconds() + 3600 }, 'The token was issued more than 3600 seconds ago (AUTH_MAX_TOKEN_AGE).'],
  ])('jwt mode with a key set refuses a token with %s', async (_name, options, detail) => {
    const jwt = await idp.sign({ sub: 'mallory' }, options);
    const response = await token(idp.env({ AUTH_MAX_TOKEN_AGE: '3600' }), {}, bearer(jwt));
    expectRefused(response, 401, 'auth_invalid', invalidChallenge, jwt);
    expect(response.json().detail).toBe(detail);
  });

  test('jwt mode with an HS256 secret refuses a token without exp', async () => {
    const secret = 'a-session-signing-secret-of-32-bytes!';
    const jwt = await new SignJWT({ sub: 'dave' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(secret));
    expectRefused(await token({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret }, {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge, jwt);
  });

  test.each([
    ['a zero-width space', 'alice\u200B'],
    ['a right-to-left override', 'alice\u202Enimda'],
    ['a number', 12345],
  ])('an identity claim with %s is 401 auth_invalid', async (_name, sub) => {
    const jwt = await idp.sign({ sub: sub as string });
    expectRefused(await token(idp.env(), {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge, jwt);
  });
});

describe('AUTH_MODE=vonage never accepts a token this service mints', () => {
  const audienceValue = 'https://tokens.example.com';
  const env = () => ({ ...vonageEnv(), AUTH_MODE: 'vonage', AUTH_AUDIENCE: audienceValue });
  const backendToken = (claims: Record<string, unknown> = {}, lifetime: string | null = '5m') => {
    let jwt = new SignJWT({ sub: 'frank', application_id: vonageApplicationId, aud: audienceValue, ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt();
    if (lifetime !== null) jwt = jwt.setExpirationTime(lifetime);
    return jwt.sign(require('node:crypto').createPrivateKey(vonageKeys().privatePem));
  };

  test('a backend credential with the audience is accepted', async () => {
    expect(await identityIn(await token(env(), {}, bearer(await backendToken())))).toBe('frank');
  });

  test.each([
    ['no aud', { aud: undefined }, 'The token\'s aud claim does not name this service (AUTH_AUDIENCE).'],
    ['another aud', { aud: 'https://elsewhere.example' }, 'The token\'s aud claim does not name this service (AUTH_AUDIENCE).'],
  ])('a token with %s is refused', async (_name, claims, detail) => {
    const jwt = await backendToken(claims);
    const response = await token(env(), {}, bearer(jwt));
    expectRefused(response, 401, 'auth_invalid', invalidChallenge, jwt);
    expect(response.json().detail).toBe(detail);
  });

  test('a token without exp is refused', async () => {
    const jwt = await backendToken({}, null);
    expectRefused(await token(env(), {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge, jwt);
  });

  test('every kind of token the service mints, fed back as the credential, is 401 on both endpoints', async () => {
    const credential = bearer(await backendToken());
    const minted = [
      (await call('/vonage-token', env(), { ttl: '60' }, credential)).json().token as string,
      (await call('/vonage-token', env(), { kind: 'video', session_id: videoSessionId, role: 'subscriber' }, credential)).json().token as string,
      (await call('/vonage-token', env(), { kind: 'video', session_id: videoSessionId }, credential)).json().token as string,
    ];
    expect(minted.every((jwt) => typeof jwt === 'string')).toBe(true);
    for (const jwt of minted) {
      expectRefused(await call('/vonage-token', env(), {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge, jwt);
      expectRefused(await token(env(), {}, bearer(jwt)), 401, 'auth_invalid', invalidChallenge, jwt);
    }
  });
});
