import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fetchOrCreate, twilioPathSegment, twilioRestClient, TwilioRestOptions } from '../../../src/core/twilio/rest';
import { twilioCredentials } from '../../support/fixtures';
import { RunningPrism, startPrism, twilioSpecs } from '../../support/prism';
import { freePort, root } from '../../support/server';
import { restOptions, unhurried } from '../../support/twilio-rest';
import { rejectionOf } from '../../support/problem';
import {
  inOrder, notFound, RecordedRequest, StandInAnswer, startTwilioStandIn, TwilioStandIn, twilioError,
} from '../../support/twilio-stand-in';

const room = { sid: 'RM0123456789abcdef0123456789abcdef', type: 'group', unique_name: 'standup' };
const basicCredentials = 'Basic ' + Buffer.from(`${twilioCredentials.API_KEY}:${twilioCredentials.API_SECRET}`).toString('base64');

const standIns: TwilioStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});

async function standIn(answer: (request: RecordedRequest) => StandInAnswer, prism?: string): Promise<TwilioStandIn> {
  const started = await startTwilioStandIn(answer, prism);
  standIns.push(started);
  return started;
}

/** Fetches or creates the room `standup` through the Video domain at `options`. */
function ensureStandup(options: TwilioRestOptions, type = 'group') {
  const rooms = twilioRestClient(options).video.v1.rooms;
  return fetchOrCreate('room', 53113, unhurried(), () => rooms('standup').fetch(), () => rooms.create({ uniqueName: 'standup', type: type as 'group' }));
}

describe('the REST client', () => {
  it('authenticates with the API key and secret as Basic credentials', async () => {
    const video = await standIn(() => ({ status: 200, body: room }));
    await ensureStandup(restOptions({ videoBaseUrl: video.url }));
    expect(video.requests).toEqual([{ method: 'GET', path: '/v1/Rooms/standup', form: {}, authorization: basicCredentials, receivedAt: expect.any(Number) }]);
  });

  it('is created once per options object', () => {
    const options = restOptions();
    expect(twilioRestClient(options)).toBe(twilioRestClient(options));
    expect(twilioRestClient(restOptions())).not.toBe(twilioRestClient(options));
  });

  it('sends requests to the base URL it was given, even when the process sets TWILIO_REGION and TWILIO_EDGE', async () => {
    const options = restOptions({ videoBaseUrl: 'http://stand-in.test' });
    const saved = { region: process.env.TWILIO_REGION, edge: process.env.TWILIO_EDGE };
    process.env.TWILIO_REGION = 'ie1';
    process.env.TWILIO_EDGE = 'dublin';
    try {
      await rejectionOf(ensureStandup(options));
    } finally {
      restore('TWILIO_REGION', saved.region);
      restore('TWILIO_EDGE', saved.edge);
    }
    // twilio's own host rewriting would have sent it to stand-in.dublin.ie1.stand-in.test.
    expect(twilioRestClient(options).httpClient.lastRequest?.url).toBe('http://stand-in.test/v1/Rooms/standup');
  });

  it('targets the Region\'s hosts, and the base URL overrides replace them', () => {
    const regional = twilioRestClient(restOptions({ region: 'ie1' }));
    expect([regional.video.baseUrl, regional.conversations.baseUrl])
      .toEqual(['https://video.dublin.ie1.twilio.com', 'https://conversations.dublin.ie1.twilio.com']);
    const overridden = twilioRestClient(restOptions({
      region: 'ie1', videoBaseUrl: 'http://127.0.0.1:4010', conversationsBaseUrl: 'https://stand-in.test/twilio',
    }));
    expect([overridden.video.baseUrl, overridden.conversations.baseUrl]).toEqual(['http://127.0.0.1:4010', 'https://stand-in.test/twilio']);
    const plain = twilioRestClient(restOptions());
    expect([plain.video.baseUrl, plain.conversations.baseUrl]).toEqual(['https://video.twilio.com', 'https://conversations.twilio.com']);
  });

  it('loads twilio on the first client, not when its modules are imported', () => {
    const probe = `
      import { twilioRestClient } from './rest';
      import { ensureRoom } from './rooms';
      import { ensureConversation, addParticipant } from './conversations';
      import { readTwilioRestSettings } from './rest-config';
      const loaded = () => Object.keys(require.cache).some((path) => /[\\\\/]node_modules[\\\\/]twilio[\\\\/]/.test(path));
      const imported = [ensureRoom, ensureConversation, addParticipant, readTwilioRestSettings].every((f) => typeof f === 'function');
      const before = loaded();
      twilioRestClient({ accountSid: '${twilioCredentials.ACCOUNT_SID}', apiKey: 'SK0', apiSecret: 's', timeoutMs: 5000 });
      console.log(JSON.stringify({ imported, before, after: loaded() }));
    `;
    const [bundle] = buildSync({
      stdin: { contents: probe, resolveDir: join(root, 'src', 'core', 'twilio'), loader: 'ts' },
      bundle: true, platform: 'node', format: 'cjs', packages: 'external', write: false, logLevel: 'silent',
    }).outputFiles;
    const output = execFileSync(process.execPath, ['-e', bundle.text], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ imported: true, before: false, after: true });
  });
});

describe("Prism serving Twilio's Video description", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism(twilioSpecs.video);
  }, 70_000);
  afterAll(() => prism?.stop());

  it('answers 422 naming the field when a request breaks the schema', async () => {
    const answer = await fetch(`${prism.url}/v1/Rooms`, {
      method: 'POST',
      headers: { authorization: basicCredentials, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ UniqueName: 'standup', Type: 'bogus' }),
    });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { validation: unknown }).validation).toEqual([{
      location: ['body', 'Type'], severity: 'Error', code: 'enum',
      message: 'Request body property Type must be equal to one of the allowed values: group, go, peer-to-peer, group-small',
    }]);
  });

  it('fails the call as upstream_error when Prism rejects a request', async () => {
    const video = await standIn(inOrder(notFound, 'prism'), prism.url);
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url }), 'bogus'));
    expect(problem.toBody()).toEqual({
      type: 'urn:rtc-token-service:problem:upstream_error', title: 'Upstream API refused the request', status: 502,
      detail: 'Twilio answered HTTP 422 when asked to create the room.', code: 'upstream_error',
    });
  });
});

describe('failed REST calls', () => {
  it("are upstream_error carrying Twilio's error code", async () => {
    const video = await standIn(inOrder(notFound, twilioError(400, 53105, 'Room creation failed')));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    expect(problem.toBody()).toEqual({
      type: 'urn:rtc-token-service:problem:upstream_error', title: 'Upstream API refused the request', status: 502,
      detail: 'Twilio answered HTTP 400 with error 53105 when asked to create the room.', code: 'upstream_error',
      vendor_code: 53105,
    });
    expect(problem.headers).toEqual({});
  });

  it("carry Twilio's error code from an RFC 9457 error answer too", async () => {
    const video = await standIn(() => ({
      status: 401,
      body: { type: 'https://www.twilio.com/docs/errors/20003', title: 'Authentication Error', status: 401, code: 20003 },
    }));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    expect([problem.code, problem.status, problem.message, problem.extensions])
      .toEqual(['upstream_error', 502, 'Twilio answered HTTP 401 with error 20003 when asked to fetch the room.', { vendor_code: 20003 }]);
  });

  it('create nothing when the fetch fails with anything but 404', async () => {
    const video = await standIn(() => twilioError(401, 20003, 'Authenticate'));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    expect([problem.code, problem.extensions]).toEqual(['upstream_error', { vendor_code: 20003 }]);
    expect(video.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /v1/Rooms/standup']);
  });

  it('are upstream_unavailable when no answer comes before the deadline', async () => {
    const video = await standIn(() => 'hang');
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url, timeoutMs: 300 })));
    expect(problem.toBody()).toEqual({
      type: 'urn:rtc-token-service:problem:upstream_unavailable', title: 'Upstream API is unavailable', status: 503,
      detail: 'Twilio did not answer in time when asked to fetch the room.', code: 'upstream_unavailable',
    });
  });

  it('are upstream_unavailable when the answer is still trickling in at the deadline', async () => {
    const video = await standIn(() => 'trickle');
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url, timeoutMs: 300 })));
    expect([problem.code, problem.message]).toEqual(['upstream_unavailable', 'Twilio did not answer in time when asked to fetch the room.']);
  });

  it('are upstream_unavailable when the connection is refused', async () => {
    const closedPort = await freePort();
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: `http://127.0.0.1:${closedPort}` })));
    expect([problem.code, problem.status, problem.message])
      .toEqual(['upstream_unavailable', 503, 'Twilio could not be reached (ECONNREFUSED) when asked to fetch the room.']);
  });

  it('are upstream_unavailable when the host does not resolve', async () => {
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: 'http://twilio-stand-in.invalid' })));
    expect([problem.code, problem.status]).toEqual(['upstream_unavailable', 503]);
    // Which of the two depends on the resolver: no such name, or no DNS server at all.
    expect(problem.message).toMatch(/^Twilio could not be reached \((ENOTFOUND|EAI_AGAIN)\) when asked to fetch the room\.$/);
  });

  it('are upstream_error when the answer is larger than 64 KiB', async () => {
    const video = await standIn(() => ({ status: 200, body: { ...room, padding: 'x'.repeat(64 * 1024) } }));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    expect([problem.code, problem.status, problem.message])
      .toEqual(['upstream_error', 502, "Twilio's answer when asked to fetch the room was cut off or larger than 65536 bytes."]);
  });

  it('are upstream_error when the answer is not JSON', async () => {
    const video = await standIn(() => ({ status: 200, body: '<html>Gateway</html>' }));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    expect([problem.code, problem.message]).toEqual(['upstream_error', "Twilio's answer is not the JSON object its API reference describes."]);
  });

  it('never carry the credentials', async () => {
    const video = await standIn(inOrder(notFound, twilioError(400, 53105, `rejected ${twilioCredentials.API_SECRET}`)));
    const problem = await rejectionOf(ensureStandup(restOptions({ videoBaseUrl: video.url })));
    const text = JSON.stringify({ body: problem.toBody(), headers: problem.headers });
    for (const secret of [twilioCredentials.API_SECRET, twilioCredentials.API_KEY, basicCredentials.slice(6)]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('twilioPathSegment', () => {
  it('escapes what would change the path', () => {
    expect(twilioPathSegment('room', 'team a/b?c#d%')).toBe('team%20a%2Fb%3Fc%23d%25');
  });

  it.each(['.', '..'])('refuses %j, which would climb the path', (name) => {
    expect(() => twilioPathSegment('room', name)).toThrow(expect.objectContaining({
      code: 'param_invalid', message: 'A room name cannot be "." or "..": Twilio addresses it by name in a URL path.',
    }));
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
