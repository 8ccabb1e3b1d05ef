import { join } from 'node:path';
import { chatServiceSid, twilioCredentials, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { RunningPrism, startPrismProxy } from '../support/prism';
import { RedisServer, startRedis } from '../support/redis';
import { buildDir, RunningServer, startNodeHost } from '../support/server';
import { notFound, startTwilioStandIn, TwilioStandIn, twilioError } from '../support/twilio-stand-in';
import { startVonageStandin, VonageStandin } from '../support/vonage-standin';

/**
 * The contract: every answer of a real Node host, for valid and invalid requests alike, obeys the
 * description it serves at /openapi.json, as Prism's validating proxy judges it. Valid requests
 * go through a proxy that checks them too (the description must accept what the service
 * accepts); invalid ones through one that checks only the answers, so the service's own refusal
 * is what gets judged.
 */

const spec = join(buildDir, 'assets', 'openapi.json');
const passcode = 'contract-passcode';
const metricsToken = 'contract-metrics-token-5e6f';
const listedOrigin = 'https://app.example.com';
const bearer = { authorization: `Bearer ${passcode}` };

let redis: RedisServer;
let vonage: VonageStandin;
let twilioVideo: TwilioStandIn;
let host: RunningServer;
let strict: RunningPrism;
let answersOnly: RunningPrism;

beforeAll(async () => {
  [redis, vonage] = await Promise.all([
    startRedis(), startVonageStandin({ applicationId: vonageApplicationId, publicKey: vonageKeys().publicKey }),
  ]);
  // Rooms are looked up (404) and created; a room named `refused` is refused by Twilio.
  twilioVideo = await startTwilioStandIn((request) => {
    if (request.method === 'GET') return notFound;
    if (request.form.UniqueName === 'refused') return twilioError(400, 53105, 'Room creation failed');
    return { status: 201, body: { sid: 'RMcccccccccccccccccccccccccccccccc', type: 'group', unique_name: request.form.UniqueName } };
  });
  host = await startNodeHost({
    ...twilioCredentials, SERVICE_SID: chatServiceSid, ...vonageEnv(),
    AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, METRICS_TOKEN: metricsToken, ALLOWED_ORIGINS: listedOrigin,
    // One address sends the whole battery, a flood included (each token provisions a user, a creation):
    // only the identity limit is left on, to be met.
    // (Each authentication is counted as a failure until judged, so a burst over the failure limit is refused.)
    STATE_STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT_IDENTITY: '3', RATE_LIMIT_IP: '0', RATE_LIMIT_AUTH_FAILURES: '0', RATE_LIMIT_CREATE_IP: '0',
    TWILIO_VIDEO_BASE_URL: twilioVideo.url, VONAGE_VIDEO_HOST: vonage.url, VONAGE_API_HOST: vonage.url, VONAGE_USER_PROVISION: 'true',
  });
  [strict, answersOnly] = await Promise.all([
    startPrismProxy(spec, host.url, { cors: false }), startPrismProxy(spec, host.url, { validateRequest: false, cors: false }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([strict?.stop(), answersOnly?.stop(), host?.stop(), twilioVideo?.close(), vonage?.stop(), redis?.stop()]);
});

interface Judged {
  status: number;
  code?: string;
  /** Prism's verdict: the failing fields of the request or the answer, none when both obey the description. */
  violations: unknown[];
}

/** One request through a proxy: the answer's status and problem code, and what Prism found wrong. */
async function judge(proxy: RunningPrism, path: string, init: RequestInit = {}): Promise<Judged> {
  const headers: Record<string, string> = { ...bearer, ...(init.headers as Record<string, string>) };
  // An empty Authorization stands for none: how a request without credentials is written here.
  if (headers.authorization === '') delete headers.authorization;
  const response = await fetch(`${proxy.url}${path}`, { ...init, headers });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, any>) : {};
  const violations = [
    ...JSON.parse(response.headers.get('sl-violations') ?? '[]') as unknown[],
    ...(typeof body.type === 'string' && body.type.startsWith('https://stoplight.io/') ? [body] : []),
  ];
  return { status: response.status, ...(typeof body.code === 'string' ? { code: body.code } : {}), violations };
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('valid requests obey the description, both ways', () => {
  test.each<{ what: string; path: string; init?: RequestInit; status?: number }>([
    { what: 'a Twilio token', path: '/token?identity=valid-1' },
    { what: 'grants, a room and a ttl', path: '/token?identity=valid-2&grants=video,chat&room=standup&ttl=600' },
    { what: "the reference apps' names, creating the room", path: '/token?user_identity=valid-3&room_name=standup&create_room=true' },
    { what: 'a JSON body', path: '/token', init: json({ identity: 'valid-4', grants: ['video'], ttl: 600, create_room: false }) },
    { what: 'a form body', path: '/token', init: form('identity=valid-5&grants=chat') },
    { what: 'a Vonage client token, provisioning the user', path: '/vonage-token?identity=valid-6' },
    { what: 'a Vonage video token for a room', path: '/vonage-token?identity=valid-7&kind=video&room=all-hands' },
    {
      what: 'a Vonage video token for a session, with role and data',
      path: `/vonage-token?identity=valid-8&kind=video&session_id=${encodeURIComponent(videoSessionId)}&role=subscriber&data=hello`,
    },
    { what: 'a Vonage video token from JSON, ttl as text', path: '/vonage-token', init: json({ identity: 'valid-9', kind: 'video', session_id: videoSessionId, ttl: '600' }) },
    { what: 'a listed origin', path: '/token?identity=valid-10', init: { headers: { origin: listedOrigin } } },
    { what: 'the preflight of a listed origin', path: '/token', init: { method: 'OPTIONS', headers: { origin: listedOrigin, 'access-control-request-method': 'POST' } }, status: 204 },
    { what: 'the liveness probe', path: '/_/health' },
    { what: 'the readiness probe', path: '/_/ready' },
    { what: 'the metrics', path: '/metrics', init: { headers: { authorization: `Bearer ${metricsToken}` } } },
    { what: 'the description itself', path: '/openapi.json', init: { headers: { origin: listedOrigin } } },
    { what: "the iOS Voice quickstart's request: the bare token", path: '/accessToken?identity=valid-11' },
    { what: "the Android Voice quickstart's request, a platform named", path: '/access-token?identity=valid-12&platform=web' },
    { what: 'a platform for the push credentials', path: '/token?identity=valid-13&platform=ios' },
    { what: 'what this deployment serves', path: '/about', init: { headers: { origin: listedOrigin } } },
    { what: 'the browser module', path: '/rtc-token-client.js', init: { headers: { origin: listedOrigin } } },
  ])('$what', async ({ path, init, status = 200 }) => {
    expect(await judge(strict, path, init)).toEqual({ status, violations: [] });
  });
});

describe("the service's refusals obey the description", () => {
  test.each<{ what: string; path: string; init?: RequestInit; status: number; code: string }>([
    { what: 'no identity', path: '/token', status: 400, code: 'identity_missing' },
    { what: 'an identity with a space', path: '/token?identity=a%20b', status: 400, code: 'identity_invalid' },
    { what: 'a ttl under a minute', path: '/token?identity=refused-1&ttl=5', status: 400, code: 'ttl_invalid' },
    { what: 'an unknown grant', path: '/token?identity=refused-2&grants=fax', status: 400, code: 'grant_invalid' },
    { what: 'a grant not configured here', path: '/token?identity=refused-3&grants=voice', status: 400, code: 'grant_unavailable' },
    { what: 'a room without the video grant', path: '/token?identity=refused-4&grants=chat&room=standup', status: 400, code: 'param_invalid' },
    { what: 'two names for the identity, disagreeing', path: '/token?identity=refused-5&user_identity=someone-else', status: 400, code: 'param_invalid' },
    { what: 'a repeated identity', path: '/token?identity=refused-6&identity=refused-7', status: 400, code: 'identity_invalid' },
    { what: 'a JSON body that is not an object', path: '/token', init: json(['identity']), status: 400, code: 'body_invalid' },
    { what: 'a body over 16 KB', path: '/token', init: form(`identity=refused-8&pad=${'x'.repeat(17 * 1024)}`), status: 413, code: 'body_too_large' },
    { what: 'Twilio refusing to create the room', path: '/token?identity=refused-9&room=refused&create_room=true', status: 502, code: 'upstream_error' },
    { what: 'an unknown kind', path: '/vonage-token?identity=refused-10&kind=chat', status: 400, code: 'kind_invalid' },
    { what: 'an ACL from the caller', path: '/vonage-token?identity=refused-11&acl=everything', status: 400, code: 'acl_not_allowed' },
    { what: 'a video token without a session', path: '/vonage-token?identity=refused-12&kind=video', status: 400, code: 'session_id_missing' },
    { what: 'a malformed session id', path: '/vonage-token?identity=refused-13&kind=video&session_id=%3Cscript%3E', status: 400, code: 'session_id_invalid' },
    { what: 'an unknown role', path: `/vonage-token?identity=refused-14&kind=video&session_id=${encodeURIComponent(videoSessionId)}&role=owner`, status: 400, code: 'role_invalid' },
    { what: 'a role this deployment does not issue', path: `/vonage-token?identity=refused-15&kind=video&session_id=${encodeURIComponent(videoSessionId)}&role=moderator`, status: 403, code: 'role_forbidden' },
    { what: 'connection data over 1000 characters', path: `/vonage-token?identity=refused-16&kind=video&session_id=${encodeURIComponent(videoSessionId)}&data=${'d'.repeat(1001)}`, status: 400, code: 'data_invalid' },
    { what: 'video parameters on a client token', path: '/vonage-token?identity=refused-17&role=publisher', status: 400, code: 'param_invalid' },
    { what: 'no credentials', path: '/token?identity=refused-18', init: { headers: { authorization: '' } }, status: 401, code: 'auth_required' },
    { what: 'a passcode in the query string', path: `/token?identity=refused-24&passcode=${passcode}`, status: 400, code: 'credentials_in_url' },
    { what: 'a wrong passcode', path: '/token?identity=refused-19', init: { headers: { authorization: 'Bearer not-the-passcode' } }, status: 401, code: 'auth_invalid' },
    { what: 'a quickstart request without an identity: problem+json, not text', path: '/accessToken', status: 400, code: 'identity_missing' },
    { what: 'an unknown platform', path: '/token?identity=refused-23&platform=windows', status: 400, code: 'param_invalid' },
    { what: 'a wrong metrics token', path: '/metrics', init: { headers: { authorization: 'Bearer not-the-metrics-token' } }, status: 401, code: 'auth_invalid' },
  ])('$what', async ({ path, init, status, code }) => {
    expect(await judge(answersOnly, path, init)).toEqual({ status, code, violations: [] });
  });

  test('an identity over its limit: 429 with Retry-After and the limit fields', async () => {
    const answers = [];
    for (let request = 0; request < 4; request++) answers.push(await judge(answersOnly, '/token?identity=limited'));
    expect(answers.map(({ status }) => status)).toEqual([200, 200, 200, 429]);
    expect(answers[3]).toEqual({ status: 429, code: 'rate_limited', violations: [] });
    expect(answers.flatMap(({ violations }) => violations)).toEqual([]);
  });

  test('Vonage failing: 502 upstream_error with its code', async () => {
    vonage.fault = { status: 500, code: 'server:error' };
    try {
      expect(await judge(answersOnly, '/vonage-token?identity=refused-20&kind=video&room=broken-room')).toEqual({ status: 502, code: 'upstream_error', violations: [] });
    } finally {
      vonage.fault = undefined;
    }
  });

  test('an RSA flood: every answer, token or 503 overloaded, obeys the description', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => judge(answersOnly, `/vonage-token?identity=flood-${i}`)));
    expect(answers.flatMap(({ violations }) => violations)).toEqual([]);
    expect(answers.filter(({ status, code }) => !(status === 200 || (status === 503 && code === 'overloaded')))).toEqual([]);
  });

  test('Twilio unreachable, then Redis: 503 upstream_unavailable and state_unavailable, with Retry-After', async () => {
    await twilioVideo.close();
    expect(await judge(answersOnly, '/token?identity=refused-21&room=standup&create_room=true')).toEqual({ status: 503, code: 'upstream_unavailable', violations: [] });
    await redis.stop();
    expect(await judge(answersOnly, '/token?identity=refused-22')).toEqual({ status: 503, code: 'state_unavailable', violations: [] });
    expect(await judge(answersOnly, '/_/ready')).toEqual({ status: 503, code: 'state_unavailable', violations: [] });
  });
});
