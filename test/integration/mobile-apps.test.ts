import {
  chatServiceSid, fullTwilioEnv, outgoingApplicationSid, pushCredentialEnv, pushCredentials, syncServiceSid, twilioCredentials,
} from '../support/fixtures';
import { hosts, RunningServer, startNodeHost } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

const passcode = 'mobile-passcode';
const env = { ...fullTwilioEnv, ...pushCredentialEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode };
/** The passcode as a bearer token: a credential never travels in the URL. */
const authorized = (credential = passcode): RequestInit => ({ headers: { authorization: `Bearer ${credential}` } });

/** Every claim of an Access Token the service mints for alice with this deployment's grants, the push credentials given. */
function expectedClaims(issuedAt: number, ttl: number, push: { voice: string; chat: string }) {
  return {
    // twilio's AccessToken reads the clock for jti when it is made, jsonwebtoken for iat when it
    // signs: across a second boundary jti is a second behind.
    jti: expect.stringMatching(new RegExp(`^${twilioCredentials.API_KEY}-(${issuedAt - 1}|${issuedAt})$`)),
    iss: twilioCredentials.API_KEY,
    sub: twilioCredentials.ACCOUNT_SID,
    iat: issuedAt,
    exp: issuedAt + ttl,
    grants: {
      identity: 'alice',
      video: {},
      chat: { service_sid: chatServiceSid, push_credential_sid: push.chat },
      voice: {
        incoming: { allow: true }, outgoing: { application_sid: outgoingApplicationSid }, push_credential_sid: push.voice,
      },
      data_sync: { service_sid: syncServiceSid },
    },
  };
}

/** Verifies with jose and compares every claim; `iat` is the one value the test cannot know beforehand. */
async function expectToken(token: string, push: { voice: string; chat: string }) {
  const { header, payload } = await verifyTwilioToken(token, twilioCredentials.API_SECRET);
  expect(header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
  expect(payload).toEqual(expectedClaims(payload.iat!, 3600, push));
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expect(await response.json()).toMatchObject({ type: `urn:rtc-token-service:problem:${code}`, status, code });
}

describe.each(hosts)('mobile apps against %s', (_name, start) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start(env);
  });
  afterAll(() => server?.stop());

  test.each([
    ['ios', pushCredentials.voice.ios, pushCredentials.chat.ios],
    ['android', pushCredentials.voice.android, pushCredentials.chat.android],
    ['web', pushCredentials.voice.default, pushCredentials.chat.default],
  ])('POST /token with platform=%s: each grant carries that platform\'s push credential', async (platform, voice, chat) => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${passcode}` },
      body: JSON.stringify({ identity: 'alice', platform }),
    });
    expect(response.status).toBe(200);
    await expectToken(((await response.json()) as { token: string }).token, { voice, chat });
  });

  test('POST /token with platform=windows is param_invalid and mints nothing', async () => {
    const response = await fetch(`${server.url}/token?identity=alice&platform=windows`, authorized());
    await expectProblem(response, 400, 'param_invalid');
  });

  test.each([
    ['/accessToken', 'the iOS quickstart', pushCredentials.voice.ios, pushCredentials.chat.ios],
    ['/access-token', 'the Android quickstart', pushCredentials.voice.android, pushCredentials.chat.android],
  ])('GET %s?identity=alice, as %s asks, answers the bare token as text/plain, with its platform\'s credentials', async (path, _app, voice, chat) => {
    const response = await fetch(`${server.url}${path}?identity=alice`, authorized());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const token = await response.text();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expectToken(token, { voice, chat });
  });

  test('a platform in the request wins over the one the quickstart path implies', async () => {
    const response = await fetch(`${server.url}/accessToken?identity=alice&platform=web`, authorized());
    await expectToken(await response.text(), { voice: pushCredentials.voice.default, chat: pushCredentials.chat.default });
  });

  test.each([
    ['/accessToken', 400, 'identity_missing', authorized()],
    ['/access-token?identity=alice%20smith', 400, 'identity_invalid', authorized()],
    ['/accessToken?identity=alice', 401, 'auth_required', {}],
    ['/access-token?identity=alice', 401, 'auth_invalid', authorized('wrong-passcode')],
  ])('GET %s is refused as problem+json (%i %s), as /token refuses it', async (path, status, code, init) => {
    await expectProblem(await fetch(server.url + path, init), status, code);
  });
});

describe('the quickstart paths count against the same limits as /token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeHost({ ...env, RATE_LIMIT_IDENTITY: '2' });
  });
  afterAll(() => server?.stop());

  test('two tokens for bob, by any path, then 429 with Retry-After, still problem+json', async () => {
    const statuses = [];
    for (const path of ['/token', '/accessToken', '/access-token']) {
      statuses.push((await fetch(`${server.url}${path}?identity=bob`, authorized())).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await fetch(`${server.url}/accessToken?identity=bob`, authorized());
    await expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
