import { problemCodes } from '../../src/core/problem';
import { tokenKinds, upstreamOutcomes, upstreams } from '../../src/core/metrics/metrics';
import { twilioCredentials, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { parseExposition, promtoolCheck, RunningPrometheus, Sample, sampleValue, startPrometheus } from '../support/prometheus';
import { RunningServer, startNodeHost } from '../support/server';
import { inOrder, notFound, startTwilioStandIn, TwilioStandIn } from '../support/twilio-stand-in';
import { startVonageStandin, VonageStandin } from '../support/vonage-standin';

const token = 'scrape-token-4b1f0c9e8d7a6b5c';
const roomSid = 'RMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

let vonage: VonageStandin;
let twilioVideo: TwilioStandIn;
let host: RunningServer;
let plainHost: RunningServer;

beforeAll(async () => {
  vonage = await startVonageStandin({ applicationId: vonageApplicationId, publicKey: vonageKeys().publicKey });
  // The room is looked up (404), then created: two requests, two outcomes.
  twilioVideo = await startTwilioStandIn(inOrder(notFound, { status: 201, body: { sid: roomSid, type: 'group', unique_name: 'room-9c1e' } }));
  [host, plainHost] = await Promise.all([
    startNodeHost({
      ...twilioCredentials, ...vonageEnv(), METRICS_TOKEN: token, TWILIO_VIDEO_BASE_URL: twilioVideo.url,
      VONAGE_VIDEO_HOST: vonage.url, VONAGE_API_HOST: vonage.url, VONAGE_USER_PROVISION: 'true',
    }),
    startNodeHost(twilioCredentials),
  ]);
}, 30_000);
afterAll(async () => {
  await Promise.all([host?.stop(), plainHost?.stop(), twilioVideo?.close(), vonage?.stop()]);
});

async function scrape(server = host): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}

describe('/metrics on the Node host', () => {
  test('without METRICS_TOKEN there is no /metrics: 404 not_found', async () => {
    const response = await fetch(`${plainHost.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });

  test.each([
    ['no Authorization', {}, 'auth_required', 'Bearer realm="rtc-token-service"'],
    ['another scheme', { authorization: `Basic ${Buffer.from(`prometheus:${token}`).toString('base64')}` }, 'auth_required', 'Bearer realm="rtc-token-service"'],
    ['a wrong bearer token', { authorization: `Bearer ${token}x` }, 'auth_invalid', 'Bearer realm="rtc-token-service", error="invalid_token"'],
    ['the token\'s prefix', { authorization: `Bearer ${token.slice(0, 10)}` }, 'auth_invalid', 'Bearer realm="rtc-token-service", error="invalid_token"'],
  ])('%s → 401 problem+json with a challenge, echoing nothing', async (_what, headers: Record<string, string>, code, challenge) => {
    const response = await fetch(`${host.url}/metrics`, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.headers.get('www-authenticate')).toBe(challenge);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code, status: 401 });
    expect(text).not.toContain(token.slice(0, 10));
  });

  test('the counters move with every token issued and refused, by vendor, kind and code; upstream requests by outcome', async () => {
    const before = (await scrape()).samples;
    const answers = await Promise.all([
      fetch(`${host.url}/token?identity=alice`),
      fetch(`${host.url}/token?identity=bob&room=room-9c1e&create_room=true`),
      fetch(`${host.url}/vonage-token?identity=carol`),
      fetch(`${host.url}/vonage-token?identity=dave&kind=video&room=room-9c1e`),
      fetch(`${host.url}/token`),
      fetch(`${host.url}/token?identity=erin&ttl=5`),
      fetch(`${host.url}/vonage-token?identity=frank&acl=everything`),
      fetch(`${host.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"identity":' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 400, 400, 400, 400]);
    const after = (await scrape()).samples;
    const moved = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);

    expect({
      twilioAccess: moved('rtc_tokens_issued_total', { vendor: 'twilio', kind: 'access' }),
      vonageClient: moved('rtc_tokens_issued_total', { vendor: 'vonage', kind: 'client' }),
      vonageVideo: moved('rtc_tokens_issued_total', { vendor: 'vonage', kind: 'video' }),
      identityMissing: moved('rtc_token_refusals_total', { vendor: 'twilio', code: 'identity_missing' }),
      ttlInvalid: moved('rtc_token_refusals_total', { vendor: 'twilio', code: 'ttl_invalid' }),
      aclNotAllowed: moved('rtc_token_refusals_total', { vendor: 'vonage', code: 'acl_not_allowed' }),
      bodyInvalid: moved('rtc_token_refusals_total', { vendor: 'twilio', code: 'body_invalid' }),
      token2xx: moved('rtc_http_request_duration_seconds_count', { route: '/token', status_class: '2xx' }),
      token4xx: moved('rtc_http_request_duration_seconds_count', { route: '/token', status_class: '4xx' }),
      videoLookup: moved('rtc_upstream_requests_total', { upstream: 'twilio_video', outcome: '4xx' }),
      videoCreate: moved('rtc_upstream_requests_total', { upstream: 'twilio_video', outcome: '2xx' }),
      vonageSession: moved('rtc_upstream_requests_total', { upstream: 'vonage_video', outcome: '2xx' }),
      vonageUser: moved('rtc_upstream_requests_total', { upstream: 'vonage_users', outcome: '2xx' }),
      vonageSessionTimed: moved('rtc_upstream_request_duration_seconds_count', { upstream: 'vonage_video', outcome: '2xx' }),
    }).toEqual({
      twilioAccess: 2, vonageClient: 1, vonageVideo: 1,
      identityMissing: 1, ttlInvalid: 1, aclNotAllowed: 1, bodyInvalid: 1,
      token2xx: 2, token4xx: 3,
      videoLookup: 1, videoCreate: 1, vonageSession: 1, vonageUser: 1, vonageSessionTimed: 1,
    });
    expect(sampleValue(after, 'rtc_state_store_up')).toBe(1);
  });

  test('the exposition passes promtool check metrics, and holds prom-client\'s process and event-loop series', async () => {
    const { text, samples } = await scrape();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  test('no label holds an identity, a room, a path or anything else a caller chose: every value is from a closed set', async () => {
    await fetch(`${host.url}/token?identity=grace-7f3a9&room=room-5d0b`);
    await fetch(`${host.url}/no-such-path-2e8c?identity=heidi-0a4f`);
    await fetch(`${host.url}/token?identity=${'x'.repeat(200)}`);
    const { text, samples } = await scrape();
    for (const chosen of ['grace-7f3a9', 'room-5d0b', 'no-such-path-2e8c', 'heidi-0a4f', 'xxxxxxxx']) expect(text).not.toContain(chosen);

    const routes = ['/token', '/vonage-token', '/_/health', '/_/ready', '/metrics', 'other'];
    const allowed: Record<string, readonly string[]> = {
      vendor: ['twilio', 'vonage'], kind: tokenKinds, code: problemCodes, route: routes,
      status_class: ['2xx', '3xx', '4xx', '5xx', 'aborted'], upstream: upstreams, outcome: upstreamOutcomes,
    };
    const labelValues = samples.filter((sample) => sample.name.startsWith('rtc_'))
      .flatMap((sample) => Object.entries(sample.labels).filter(([label]) => label !== 'le'));
    expect(labelValues.filter(([label, value]) => !allowed[label]?.includes(value))).toEqual([]);
    expect(sampleValue(samples, 'rtc_http_request_duration_seconds_count', { route: 'other', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
  });

  test('shed RSA signatures are counted: the counter moves by exactly the 503 overloaded answers', async () => {
    const before = (await scrape()).samples;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${host.url}/vonage-token?identity=flood${i}&kind=video&session_id=${encodeURIComponent('2_MX4xfg')}`)));
    const bodies = await Promise.all(answers.map((answer) => answer.json() as Promise<Record<string, unknown>>));
    const after = (await scrape()).samples;
    const shed = bodies.filter((body) => body.code === 'overloaded').length;
    expect(bodies.filter((body) => body.code !== 'overloaded' && body.token === undefined)).toEqual([]);
    expect(sampleValue(after, 'rtc_rsa_signings_shed_total') - sampleValue(before, 'rtc_rsa_signings_shed_total')).toBe(shed);
    expect(sampleValue(after, 'rtc_rsa_signings_queued')).toBe(0);
    expect(sampleValue(after, 'rtc_rsa_signings_running')).toBe(0);
  });
});

describe('a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  afterAll(() => prometheus?.stop());

  test('scrapes the host with the bearer token: up is 1, and it reads the same counters; a wrong token is up 0', async () => {
    const target = host.url.replace('http://', '');
    prometheus = await startPrometheus([
      { name: 'rtc', target, credentials: token },
      { name: 'wrong-token', target, credentials: `${token}-not` },
    ]);
    const deadline = Date.now() + 20_000;
    let up: number | undefined;
    let refused: number | undefined;
    while ((up !== 1 || refused !== 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      [up, refused] = await Promise.all([prometheus.query('up{job="rtc"}'), prometheus.query('up{job="wrong-token"}')]);
    }
    expect({ up, refused }).toEqual({ up: 1, refused: 0 });
    const scraped = await prometheus.query('sum(rtc_tokens_issued_total{job="rtc",vendor="twilio"})');
    expect(scraped).toBe(sampleValue((await scrape()).samples, 'rtc_tokens_issued_total', { vendor: 'twilio', kind: 'access' }));
  }, 40_000);
});
