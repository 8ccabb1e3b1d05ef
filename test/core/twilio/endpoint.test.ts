import { freezeClockPerTest } from '../../support/clock';
import { loadConfig } from '../../../src/core/config/config';
import { endpointAt } from '../../../src/core/endpoints';
import { startService } from '../../../src/core/service';
import { callEndpoint } from '../../support/core';
import {
  chatServiceSid, fullTwilioEnv, outgoingApplicationSid, pushCredentialEnv, pushCredentials, pushCredentialSid,
  syncServiceSid, twilioCredentials,
} from '../../support/fixtures';
import { verifyTwilioToken } from '../../support/verify';

const now = new Date('2026-11-21T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;

freezeClockPerTest(now);

/** Each grant's payload exactly as Twilio documents it for this deployment's configuration. */
const expectedGrant = {
  video: ['video', {}],
  chat: ['chat', { service_sid: chatServiceSid }],
  voice: ['voice', { incoming: { allow: true }, outgoing: { application_sid: outgoingApplicationSid } }],
  sync: ['data_sync', { service_sid: syncServiceSid }],
} as const;
type GrantName = keyof typeof expectedGrant;
const allGrants: GrantName[] = ['video', 'chat', 'voice', 'sync'];

function subsets<T>(items: T[]): T[][] {
  return items.reduce<T[][]>((all, item) => all.concat(all.map((subset) => [...subset, item])), [[]]).slice(1);
}

describe('/token issues a verified Access Token', () => {
  test('with every configured grant by default, verified with jose claim by claim', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice' });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      token: expect.any(String),
      identity: 'alice',
      grants: ['video', 'chat', 'voice', 'sync'],
      ttl: 3600,
      expires_at: '2026-11-21T13:00:00.000Z',
    });
    const { header, payload } = await verifyTwilioToken(body.token as string, twilioCredentials.API_SECRET);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(payload).toEqual({
      jti: `${twilioCredentials.API_KEY}-${nowSeconds}`,
      iss: twilioCredentials.API_KEY,
      sub: twilioCredentials.ACCOUNT_SID,
      iat: nowSeconds,
      exp: nowSeconds + 3600,
      grants: {
        identity: 'alice',
        video: {},
        chat: { service_sid: chatServiceSid },
        voice: { incoming: { allow: true }, outgoing: { application_sid: outgoingApplicationSid } },
        data_sync: { service_sid: syncServiceSid },
      },
    });
  });

  test.each(subsets(allGrants).map((grants) => [grants.join(',')]))('with exactly the grants asked for: %s', async (grants) => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', grants });

    expect(response.statusCode).toBe(200);
    const names = grants.split(',') as GrantName[];
    expect(response.json().grants).toEqual(names);
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({
      identity: 'alice',
      ...Object.fromEntries(names.map((name) => expectedGrant[name])),
    });
  });

  test('accepts grants as a JSON array', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', grants: ['sync', 'video'] });
    expect(response.json().grants).toEqual(['video', 'sync']);
  });

  test('restricts the video grant to the requested room', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', grants: 'video', room: 'daily standup' });
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'alice', video: { room: 'daily standup' } });
  });

  test('offers only video when nothing else is configured', async () => {
    const response = await callEndpoint('/token', twilioCredentials, { identity: 'alice' });
    expect(response.json().grants).toEqual(['video']);
  });

  test('leaves incoming calls out when VOICE_INCOMING_ALLOW is false, and adds the push credential', async () => {
    const env = { ...twilioCredentials, OUTGOING_SID: outgoingApplicationSid, VOICE_INCOMING_ALLOW: 'false', VOICE_PUSH_CREDENTIAL_SID: pushCredentialSid };
    const response = await callEndpoint('/token', env, { identity: 'alice', grants: 'voice' });
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({
      identity: 'alice',
      voice: { outgoing: { application_sid: outgoingApplicationSid }, push_credential_sid: pushCredentialSid },
    });
  });

  test('ignores the Serverless Service SID Twilio puts in SERVICE_SID, and CHAT_SERVICE_SID wins', async () => {
    const deployed = { ...twilioCredentials, SERVICE_SID: 'ZS55555555555555555555555555555555' };
    expect((await callEndpoint('/token', deployed, { identity: 'alice' })).json().grants).toEqual(['video']);

    const both = { ...deployed, CHAT_SERVICE_SID: chatServiceSid };
    const response = await callEndpoint('/token', both, { identity: 'alice', grants: 'chat' });
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'alice', chat: { service_sid: chatServiceSid } });
  });

  test('accepts a 128-character identity counted in code points', async () => {
    const identity = '🦊'.repeat(128);
    const response = await callEndpoint('/token', fullTwilioEnv, { identity });
    expect(response.statusCode).toBe(200);
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect((payload.grants as { identity: string }).identity).toBe(identity);
  });
});

describe('/token push credentials per platform', () => {
  const { voice, chat } = pushCredentials;
  const grantsWith = (voicePush: string | undefined, chatPush: string | undefined) => ({
    identity: 'alice',
    chat: { service_sid: chatServiceSid, ...(chatPush ? { push_credential_sid: chatPush } : {}) },
    voice: {
      incoming: { allow: true }, outgoing: { application_sid: outgoingApplicationSid },
      ...(voicePush ? { push_credential_sid: voicePush } : {}),
    },
  });
  async function pushGrants(env: Record<string, string>, platform: string | undefined) {
    const response = await callEndpoint('/token', { ...fullTwilioEnv, ...env }, { identity: 'alice', grants: 'chat,voice', platform });
    expect(response.statusCode).toBe(200);
    return (await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET)).payload.grants;
  }

  test.each([
    ['ios', voice.ios, chat.ios],
    ['android', voice.android, chat.android],
    ['web', voice.default, chat.default],
    [undefined, voice.default, chat.default],
  ])('platform=%s gets its own credential in each grant, else the default', async (platform, voicePush, chatPush) => {
    expect(await pushGrants(pushCredentialEnv, platform)).toEqual(grantsWith(voicePush, chatPush));
  });

  test.each([
    ['ios', voice.default, chat.default],
    ['android', voice.default, chat.default],
  ])('platform=%s without its own credential gets the default', async (platform, voicePush, chatPush) => {
    const defaults = { VOICE_PUSH_CREDENTIAL_SID: voice.default, CHAT_PUSH_CREDENTIAL_SID: chat.default };
    expect(await pushGrants(defaults, platform)).toEqual(grantsWith(voicePush, chatPush));
  });

  test.each([
    ['ios', voice.ios, undefined],
    ['android', undefined, chat.android],
    ['web', undefined, undefined],
    [undefined, undefined, undefined],
  ])('without a default, platform=%s carries only a credential of its own', async (platform, voicePush, chatPush) => {
    const own = { VOICE_PUSH_CREDENTIAL_SID_IOS: voice.ios, CHAT_PUSH_CREDENTIAL_SID_ANDROID: chat.android };
    expect(await pushGrants(own, platform)).toEqual(grantsWith(voicePush, chatPush));
  });

  test.each(['windows', 'IOS', 'ios,android'])('refuses platform=%p', async (platform) => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', platform });
    expect(response.json()).toMatchObject({ code: 'param_invalid', detail: 'platform must be one of ios, android, web.' });
  });

  test('refuses a repeated platform', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', platform: ['ios', 'android'] });
    expect(response.json()).toMatchObject({ code: 'param_invalid', detail: 'platform must be a single string value.' });
  });

  test.each(Object.keys(pushCredentialEnv))('a malformed %s is config_invalid, naming it but not its value', async (name) => {
    const response = await callEndpoint('/token', { ...fullTwilioEnv, [name]: 'CRnot-a-sid' }, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({
      code: 'config_invalid', detail: `${name} is not a Push Credential SID (CR followed by 32 hex characters).`,
    });
    expect(JSON.stringify(response.json())).not.toContain('CRnot-a-sid');
  });

  test('logs the platform the token was minted for', async () => {
    const response = await callEndpoint('/token', { ...fullTwilioEnv, ...pushCredentialEnv }, { identity: 'alice', platform: 'android' });
    expect(response.log).toMatchObject({ outcome: 'issued', identity: 'alice', platform: 'android' });
  });
});

describe('/token TTL', () => {
  test.each([
    ['60', 60],
    ['86400', 86400],
    [600, 600],
  ])('honours ttl=%p within bounds', async (ttl, expected) => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', ttl });
    expect(response.json()).toMatchObject({ ttl: expected, expires_at: new Date((nowSeconds + expected) * 1000).toISOString() });
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.exp! - payload.iat!).toBe(expected);
  });

  test.each(['59', '86401', '1.5', '-60', 'abc', '1e3', ' 600'])('refuses ttl=%p', async (ttl) => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', ttl });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      type: 'urn:rtc-token-service:problem:ttl_invalid',
      title: 'TTL is not valid',
      status: 400,
      detail: 'ttl must be whole seconds between 60 and 86400.',
      code: 'ttl_invalid',
    });
  });

  test('expires_at matches the signed exp even when signing straddles a second boundary', async () => {
    // Our read, AccessToken's (for jti), jsonwebtoken's (for iat), our read: a second ticks over.
    const clock = [999, 1000, 1000, 1001].map((ms) => now.getTime() + ms);
    const frozen = Date.now();
    const clockSpy = jest.spyOn(Date, 'now').mockImplementation(() => clock.shift() ?? frozen + 1001);
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', ttl: '600' });
    clockSpy.mockRestore();
    const { payload } = await verifyTwilioToken(response.json().token as string, twilioCredentials.API_SECRET);
    expect(payload.iat).toBe(nowSeconds + 1);
    expect(response.json().expires_at).toBe(new Date((nowSeconds + 1 + 600) * 1000).toISOString());
  });

  test('uses TOKEN_TTL as the default and TOKEN_MAX_TTL as the cap', async () => {
    const env = { ...fullTwilioEnv, TOKEN_TTL: '900', TOKEN_MAX_TTL: '1800' };
    expect((await callEndpoint('/token', env, { identity: 'alice' })).json().ttl).toBe(900);
    expect((await callEndpoint('/token', env, { identity: 'alice', ttl: '1800' })).json().ttl).toBe(1800);
    const over = await callEndpoint('/token', env, { identity: 'alice', ttl: '1801' });
    expect(over.json()).toMatchObject({ code: 'ttl_invalid', detail: 'ttl must be whole seconds between 60 and 1800.' });
  });
});

describe('/token refuses bad requests with a problem', () => {
  test.each([
    ['no identity', {}, 'identity_missing'],
    ['an empty identity', { identity: '' }, 'identity_missing'],
    ['an identity longer than 128 characters', { identity: 'a'.repeat(129) }, 'identity_invalid'],
    ['an identity with a space', { identity: 'alice smith' }, 'identity_invalid'],
    ['an identity with a tab', { identity: 'alice\tsmith' }, 'identity_invalid'],
    ['an identity with a control character', { identity: 'alice\u0000' }, 'identity_invalid'],
    ['an identity with a line separator', { identity: 'alice\u2028' }, 'identity_invalid'],
    ['a repeated identity', { identity: ['alice', 'bob'] }, 'identity_invalid'],
    ['an object identity', { identity: { name: 'alice' } }, 'identity_invalid'],
    ['a boolean identity', { identity: true }, 'identity_invalid'],
    ['an unknown grant', { identity: 'alice', grants: 'video,admin' }, 'grant_invalid'],
    ['an empty grant list', { identity: 'alice', grants: ',' }, 'grant_invalid'],
    ['a grant list of objects', { identity: 'alice', grants: [{}] }, 'grant_invalid'],
    ['a repeated ttl', { identity: 'alice', ttl: ['60', '70'] }, 'ttl_invalid'],
    ['a room without the video grant', { identity: 'alice', grants: 'voice', room: 'r' }, 'param_invalid'],
    ['a room longer than 128 characters', { identity: 'alice', room: 'r'.repeat(129) }, 'param_invalid'],
  ])('%s', async (_name, event, code) => {
    const response = await callEndpoint('/token', fullTwilioEnv, event);

    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.json()).toMatchObject({ type: `urn:rtc-token-service:problem:${code}`, status: 400, code });
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
  });

  test('names a grant this deployment has not configured', async () => {
    const response = await callEndpoint('/token', twilioCredentials, { identity: 'alice', grants: 'video,sync' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      type: 'urn:rtc-token-service:problem:grant_unavailable',
      title: 'Grant is not available',
      status: 400,
      detail: 'The sync grant is not configured on this deployment (the server sets SYNC_SERVICE_SID).',
      code: 'grant_unavailable',
    });
  });
});

describe('/token configuration problems name variables, never values', () => {
  test('lists every missing credential', async () => {
    const response = await callEndpoint('/token', { ACCOUNT_SID: twilioCredentials.ACCOUNT_SID, API_KEY: ' ' }, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      type: 'urn:rtc-token-service:problem:config_missing',
      title: 'Configuration is missing',
      status: 500,
      detail: 'Set API_KEY, API_SECRET in the environment or .env file.',
      code: 'config_missing',
    });
  });

  test.each([
    ['ACCOUNT_SID', 'AC123', 'ACCOUNT_SID is not an Account SID (AC followed by 32 hex characters).'],
    ['ACCOUNT_SID', 'SKfedcba9876543210fedcba9876543210', 'ACCOUNT_SID is not an Account SID (AC followed by 32 hex characters).'],
    ['API_KEY', 'SKnothexnothexnothexnothexnothexno', 'API_KEY is not an API Key SID (SK followed by 32 hex characters).'],
    ['API_SECRET', 'has a space in it', 'API_SECRET is not an API Key secret.'],
    ['SERVICE_SID', 'MG11111111111111111111111111111111', 'SERVICE_SID is not a Conversations Service SID (IS followed by 32 hex characters).'],
    ['OUTGOING_SID', 'XX22222222222222222222222222222222', 'OUTGOING_SID is not a TwiML App SID (AP followed by 32 hex characters).'],
    ['VOICE_INCOMING_ALLOW', 'maybe', 'VOICE_INCOMING_ALLOW is not true or false.'],
    ['TOKEN_TTL', '30', 'TOKEN_TTL is not a whole number of seconds between 60 and 86400.'],
    ['TOKEN_MAX_TTL', '90000', 'TOKEN_MAX_TTL is not a whole number of seconds between 60 and 86400.'],
    ['ALLOWED_ORIGINS', 'https://app.example.com/path', 'ALLOWED_ORIGINS is not "*" or a comma-separated list of origins such as https://app.example.com.'],
  ])('%s=%p is config_invalid', async (name, value, detail) => {
    const response = await callEndpoint('/token', { ...fullTwilioEnv, [name]: value }, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'config_invalid', detail });
    expect(JSON.stringify(response.json())).not.toContain(value);
  });

  test('a TOKEN_TTL above TOKEN_MAX_TTL is config_invalid', async () => {
    const response = await callEndpoint('/token', { ...fullTwilioEnv, TOKEN_TTL: '7200', TOKEN_MAX_TTL: '3600' }, { identity: 'alice' });
    expect(response.json()).toMatchObject({ code: 'config_invalid', detail: 'TOKEN_TTL is not a whole number of seconds between 60 and 3600.' });
  });

  test('checks configuration before the request, so a broken deployment is never blamed on the caller', async () => {
    const response = await callEndpoint('/token', {}, { identity: 'not valid' });
    expect(response.json()).toMatchObject({ code: 'config_missing' });
  });
});

describe('/token headers', () => {
  test('a success is JSON that is never cached, readable by any origin by default', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice' }, { origin: 'https://any.example' });
    expect(response.headers).toEqual({
      'Access-Control-Allow-Origin': '*',
      // Without this a page could not read how long to back off, nor its budget.
      'Access-Control-Expose-Headers': 'Retry-After, RateLimit, RateLimit-Policy',
      Vary: 'Origin',
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json; charset=utf-8',
      // The identity's budget, counted in this call's own memory store: Twilio Functions expose no client address.
      'RateLimit-Policy': '"identity";q=30;w=60',
      RateLimit: '"identity";r=29;t=60',
    });
  });

  const listed = { ...fullTwilioEnv, ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173/' };

  test.each([
    ['a listed origin is echoed', 'https://app.example.com', 'https://app.example.com'],
    ['a listed origin written with a trailing slash is echoed', 'http://localhost:5173', 'http://localhost:5173'],
    ['an unlisted origin gets no allow header', 'https://evil.example', undefined],
    ['a listed host on another scheme gets no allow header', 'http://app.example.com', undefined],
  ])('%s', async (_name, origin, allowed) => {
    const response = await callEndpoint('/token', listed, { identity: 'alice' }, { origin });
    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Origin']).toBe(allowed);
    expect(response.headers['Access-Control-Expose-Headers']).toBe(allowed && 'Retry-After, RateLimit, RateLimit-Policy');
    expect(response.headers.Vary).toBe('Origin');
  });

  test('a request without an Origin (curl, native apps) is served', async () => {
    const response = await callEndpoint('/token', listed, { identity: 'alice' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('problems carry the same CORS headers so browsers can read them', async () => {
    const response = await callEndpoint('/token', listed, {}, { origin: 'https://app.example.com' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(response.headers['Access-Control-Expose-Headers']).toBe('Retry-After, RateLimit, RateLimit-Policy');
  });

  test('a 429 exposes Retry-After and the RateLimit fields to a listed page', async () => {
    const limited = { ...listed, RATE_LIMIT_IDENTITY: '1' };
    const [env, origin] = [limited, { origin: 'https://app.example.com' }];
    const endpoint = await endpointAt('/token');
    const service = startService(loadConfig(env));
    await endpoint({ params: { identity: 'alice' }, headers: origin }, service);
    const { reply } = await endpoint({ params: { identity: 'alice' }, headers: origin }, service);
    expect(reply.status).toBe(429);
    expect(reply.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Expose-Headers': 'Retry-After, RateLimit, RateLimit-Policy',
      'Retry-After': '60', RateLimit: '"identity";r=0;t=60', 'RateLimit-Policy': '"identity";q=1;w=60',
    });
  });
});

describe('/token log fields', () => {
  test('an issued token records identity, grants and ttl, never the token or secret', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', grants: 'video,chat', ttl: '600' });

    expect(response.log).toEqual({ outcome: 'issued', identity: 'alice', grants: ['video', 'chat'], ttl: 600 });
    expect(JSON.stringify(response.log)).not.toContain(response.json().token as string);
    expect(JSON.stringify(response.log)).not.toContain(twilioCredentials.API_SECRET);
  });

  test('a refusal records its code', async () => {
    const response = await callEndpoint('/token', fullTwilioEnv, { identity: 'alice', ttl: '5' });
    expect(response.log).toEqual({ outcome: 'refused', code: 'ttl_invalid', identity: 'alice' });
  });
});
