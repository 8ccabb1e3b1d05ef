import { decodeProtectedHeader } from 'jose';
import { chatServiceSid, fullTwilioEnv, twilioCredentials } from '../support/fixtures';
import { RunningPrism, startPrism, twilioSpecs } from '../support/prism';
import {
  freePort, hosts, linesWith, outputSettles, RunningServer, startNodeHost, waitUntil,
} from '../support/server';
import {
  inOrder, notFound, RecordedRequest, StandInAnswer, startTwilioStandIn, TwilioStandIn, twilioError,
} from '../support/twilio-stand-in';
import { startLanding, startRedirect } from '../support/redirect';
import { verifyTwilioToken } from '../support/verify';

/** Prism answers with the first example in Twilio's descriptions, whatever the request asked for. */
const exampleRoomSid = 'RMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const exampleConversationSid = 'CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const passcode = 'the-demo-passcode';

let videoPrism: RunningPrism;
let conversationsPrism: RunningPrism;
beforeAll(async () => {
  [videoPrism, conversationsPrism] = await Promise.all([startPrism(twilioSpecs.video), startPrism(twilioSpecs.conversations)]);
}, 90_000);
afterAll(async () => {
  await Promise.all([videoPrism?.stop(), conversationsPrism?.stop()]);
});

/**
 * Twilio's Video and Conversations domains for one test: every request checked by Prism against
 * Twilio's own description (a request that breaks it gets 422 and fails the test), the first
 * lookups answered 404 so rooms and conversations are created.
 */
async function twilioDomains(video: (request: RecordedRequest) => StandInAnswer = inOrder(notFound, 'prism')) {
  const [videoApi, conversationsApi] = await Promise.all([
    startTwilioStandIn(video, videoPrism.url),
    startTwilioStandIn(inOrder(notFound, 'prism', 'prism'), conversationsPrism.url),
  ]);
  return {
    videoApi, conversationsApi,
    env: {
      ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode,
      TWILIO_VIDEO_BASE_URL: videoApi.url, TWILIO_CONVERSATIONS_BASE_URL: conversationsApi.url,
    },
    close: () => Promise.all([videoApi.close(), conversationsApi.close()]),
  };
}

const calls = (standIn: TwilioStandIn) => standIn.requests.map(({ method, path, form }) => ({ method, path, form }));

/** Exactly what twilio-video-app-react's usePasscodeAuth sends to the token endpoint. */
const referenceRequest = (body: Record<string, unknown>): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

describe.each(hosts)('Twilio\'s reference apps against %s', (_name, start) => {
  test('user_identity, room_name, passcode, create_room and create_conversation: the room and its Conversation exist, spec-valid', async () => {
    const twilio = await twilioDomains();
    const server = await start(twilio.env);
    try {
      const response = await fetch(`${server.url}/token`, referenceRequest({
        user_identity: 'alice', room_name: 'standup', passcode, create_room: true, create_conversation: true,
      }));
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        token: expect.any(String), identity: 'alice', grants: ['video', 'chat', 'voice', 'sync'], ttl: 3600, expires_at: expect.any(String),
        // The room's actual type, as Twilio answered it (Prism's example room), not the configured `group`.
        room_type: 'peer-to-peer', room_sid: exampleRoomSid, conversation_sid: exampleConversationSid,
      });
      const { payload } = await verifyTwilioToken(body.token as string, twilioCredentials.API_SECRET);
      expect(payload.grants).toMatchObject({ identity: 'alice', video: { room: 'standup' }, chat: { service_sid: chatServiceSid } });
      expect(calls(twilio.videoApi)).toEqual([
        { method: 'GET', path: '/v1/Rooms/standup', form: {} },
        { method: 'POST', path: '/v1/Rooms', form: { UniqueName: 'standup', Type: 'group' } },
      ]);
      const conversations = `/v1/Services/${chatServiceSid}/Conversations`;
      expect(calls(twilio.conversationsApi)).toEqual([
        { method: 'GET', path: `${conversations}/${exampleRoomSid}`, form: {} },
        { method: 'POST', path: conversations, form: { UniqueName: exampleRoomSid, 'Timers.Closed': 'P1D' } },
        { method: 'POST', path: `${conversations}/${exampleConversationSid}/Participants`, form: { Identity: 'alice' } },
      ]);
      expect(server.output()).not.toContain(twilioCredentials.API_SECRET);
      expect(server.output()).not.toContain(passcode);
    } finally {
      await Promise.all([server.stop(), twilio.close()]);
    }
  }, 60_000);

  test('without create_room or create_conversation: a token and room_type, and no REST call', async () => {
    const twilio = await twilioDomains();
    const server = await start(twilio.env);
    try {
      const response = await fetch(`${server.url}/token`, referenceRequest({ user_identity: 'bob', room_name: 'standup', passcode, create_room: false, create_conversation: 'false' }));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ identity: 'bob', room_type: 'group' });
      expect([...calls(twilio.videoApi), ...calls(twilio.conversationsApi)]).toEqual([]);
    } finally {
      await Promise.all([server.stop(), twilio.close()]);
    }
  }, 60_000);
});

describe('the reference request\'s names and flags on the Node host', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startNodeHost({ ...fullTwilioEnv, TWILIO_REGION: 'ie1', RATE_LIMIT_IP: '0', RATE_LIMIT_IDENTITY: '0' });
  });
  afterAll(() => server?.stop());

  const post = (body: Record<string, unknown>) => fetch(`${server.url}/token`, referenceRequest(body));

  test('TWILIO_REGION goes into every token as its twr header', async () => {
    const { token } = (await (await post({ user_identity: 'alice' })).json()) as { token: string };
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'ie1' });
  });

  test.each([
    ['identity and user_identity that differ', { identity: 'alice', user_identity: 'mallory' }],
    ['room and room_name that differ', { identity: 'alice', room: 'a', room_name: 'b' }],
    ['create_room that is not a boolean', { identity: 'alice', room: 'a', create_room: 'yes' }],
    ['create_room without a room', { identity: 'alice', create_room: true }],
  ])('%s is 400 param_invalid', async (_name, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'param_invalid' });
  });

  test('user_identity follows the identity rule', async () => {
    expect(await (await post({ user_identity: 'alice\u200B' })).json()).toMatchObject({ code: 'identity_invalid' });
  });

  test('create_conversation without a Conversations service is grant_unavailable', async () => {
    const bare = await startNodeHost({ ...twilioCredentials });
    try {
      const response = await fetch(`${bare.url}/token`, referenceRequest({ user_identity: 'alice', room_name: 'r', create_conversation: true }));
      expect(await response.json()).toMatchObject({ code: 'grant_unavailable' });
    } finally {
      await bare.stop();
    }
  });
});

/** Twilio's answers as its API reference describes them, for stand-ins that play Twilio without Prism. */
const roomResource = { sid: exampleRoomSid, unique_name: 'standup', type: 'group', status: 'in-progress' };
const conversationResource = { sid: exampleConversationSid, unique_name: exampleRoomSid };
const participantResource = { sid: 'MBaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', identity: 'alice' };

describe.each(hosts)('one deadline for all the REST calls of a request, on %s', (_name, start) => {
  test('each answer 800 ms late: UPSTREAM_BUDGET_MS=2000 answers 503 upstream_unavailable with Retry-After, and nothing is minted', async () => {
    // Five calls for a new room and its Conversation: 4 s of waiting, though each call is within its own 5 s.
    const late = (answer: { status: number; body: unknown }): StandInAnswer => ({ ...answer, delayMs: 800 });
    const [videoApi, conversationsApi] = await Promise.all([
      startTwilioStandIn(inOrder(late(notFound), late({ status: 201, body: roomResource }))),
      startTwilioStandIn(inOrder(late(notFound), late({ status: 201, body: conversationResource }), late({ status: 201, body: participantResource }))),
    ]);
    const server = await start({
      ...fullTwilioEnv, TWILIO_VIDEO_BASE_URL: videoApi.url, TWILIO_CONVERSATIONS_BASE_URL: conversationsApi.url, UPSTREAM_BUDGET_MS: '2000',
    });
    try {
      const response = await fetch(`${server.url}/token?identity=alice&room=standup&create_room=true&create_conversation=true`);
      const answeredAt = Date.now();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ code: 'upstream_unavailable', status: 503 });
      expect(body.token).toBeUndefined();
      // Counted from the first REST call, which the budget's start precedes (twilio-run forks a
      // process per request before that): within the budget, far from the 4 s the calls would take.
      expect(answeredAt - videoApi.requests[0].receivedAt).toBeLessThan(3500);
      expect(videoApi.requests.length + conversationsApi.requests.length).toBeLessThan(5);
    } finally {
      await Promise.all([server.stop(), videoApi.close(), conversationsApi.close()]);
    }
  }, 30_000);
});

describe('values from Twilio are checked before use', () => {
  async function withDomains(
    video: StandInAnswer, conversations: StandInAnswer[], run: (server: RunningServer, conversationsApi: TwilioStandIn) => Promise<void>,
  ) {
    const [videoApi, conversationsApi] = await Promise.all([startTwilioStandIn(inOrder(video)), startTwilioStandIn(inOrder(...conversations))]);
    const server = await startNodeHost({ ...fullTwilioEnv, TWILIO_VIDEO_BASE_URL: videoApi.url, TWILIO_CONVERSATIONS_BASE_URL: conversationsApi.url });
    try {
      await run(server, conversationsApi);
    } finally {
      await Promise.all([server.stop(), videoApi.close(), conversationsApi.close()]);
    }
  }

  async function expectRefused(response: Response, server: RunningServer, hostile: string[]) {
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(JSON.parse(text).token).toBeUndefined();
    await outputSettles(server, (output) => output.includes('"path":"/token"'));
    for (const value of hostile) {
      expect(text).not.toContain(value);
      expect(server.output()).not.toContain(value);
    }
  }

  test.each<[string, unknown, string[]]>([
    ['a room SID that climbs the path', { ...roomResource, sid: 'RM../../../v1/Services/x?y=1#frag' }, ['../', '#frag']],
    ['a room SID with markup', { ...roomResource, sid: '<img src=x onerror=alert(1)>' }, ['onerror']],
    ['a number for the room SID', { ...roomResource, sid: 7777777777 }, ['7777777777']],
    ['an object for the room SID', { ...roomResource, sid: { nested: 'RMvalue' } }, ['RMvalue']],
    ['a room type outside the enum', { ...roomResource, type: '<b>group</b>' }, ['<b>']],
    ['an empty room', {}, []],
    ['a list', [], []],
    ['null', null, []],
    ['HTML', '<html>maintenance</html>', ['maintenance']],
  ])('%s: 502 upstream_error, nothing minted, nothing echoed or logged', async (_name, body, hostile) => {
    await withDomains({ status: 200, body }, [], async (server) => {
      await expectRefused(await fetch(`${server.url}/token?identity=alice&room=standup&create_room=true`), server, hostile);
    });
  });

  test.each([
    ['a conversation SID with a fragment', 'CHVICTIM#'],
    ['a conversation SID that climbs the path', '..'],
    ['a conversation SID one character short, with a slash', `CH${'a'.repeat(30)}/`],
  ])('%s: 502 upstream_error, and no participant is added anywhere', async (_name, sid) => {
    await withDomains({ status: 200, body: roomResource }, [{ status: 200, body: { ...conversationResource, sid } }], async (server, conversationsApi) => {
      await expectRefused(await fetch(`${server.url}/token?identity=alice&room=standup&create_conversation=true`), server, [sid]);
      expect(conversationsApi.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
        `GET /v1/Services/${chatServiceSid}/Conversations/${exampleRoomSid}`,
      ]);
    });
  });
});

describe('upstream faults', () => {
  async function withVideo(videoBaseUrl: string, run: (server: RunningServer) => Promise<void>) {
    const server = await startNodeHost({ ...fullTwilioEnv, TWILIO_VIDEO_BASE_URL: videoBaseUrl });
    try {
      await run(server);
    } finally {
      await server.stop();
    }
  }
  const createRoom = (server: RunningServer) => fetch(`${server.url}/token?identity=alice&room=standup&create_room=true`);

  test('a Twilio error answer is 502 upstream_error carrying Twilio\'s code', async () => {
    const api = await startTwilioStandIn(inOrder(notFound, twilioError(400, 53105, 'Room creation failed')), videoPrism.url);
    try {
      await withVideo(api.url, async (server) => {
        const response = await createRoom(server);
        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({ code: 'upstream_error', vendor_code: 53105, status: 502 });
      });
    } finally {
      await api.close();
    }
  });

  test('an API that hangs past the 5 s deadline is 503 upstream_unavailable, and nothing is minted', async () => {
    const api = await startTwilioStandIn(() => 'hang');
    try {
      await withVideo(api.url, async (server) => {
        const started = Date.now();
        const response = await createRoom(server);
        expect(response.status).toBe(503);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ code: 'upstream_unavailable' });
        expect(body.token).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(7000);
      });
    } finally {
      await api.close();
    }
  }, 20_000);

  test('a client that leaves: the REST call in flight is aborted at once, nothing is minted, and the log says abandoned', async () => {
    const api = await startTwilioStandIn(() => 'hang');
    try {
      await withVideo(api.url, async (server) => {
        const client = new AbortController();
        const answer = fetch(`${server.url}/token?identity=leaver&room=standup&create_room=true`, { signal: client.signal }).catch((error: Error) => error.name);
        await waitUntil(() => api.requests.length === 1, 'the room lookup');
        const left = Date.now();
        client.abort();
        expect(await answer).toBe('AbortError');
        await waitUntil(() => api.abandoned.length === 1, 'the room lookup closing');
        // Without the client's leaving, the call would have run into its 5 s deadline.
        expect(Date.now() - left).toBeLessThan(3000);
        await outputSettles(server, (output) => output.includes('"aborted":true'));
        const line = linesWith(server, '"aborted":true').map((text) => JSON.parse(text))[0];
        expect(line).toMatchObject({ event: 'http', path: '/token', status: null, outcome: 'abandoned', identity: 'leaver', aborted: true });
        expect(server.output()).not.toContain('"outcome":"issued"');
      });
    } finally {
      await api.close();
    }
  });

  test('a redirect is not followed, whatever its body: 502 upstream_error, and the credentials never reach the other server', async () => {
    const landing = await startLanding();
    const redirect = await startRedirect(landing.url, roomResource);
    try {
      await withVideo(redirect.url, async (server) => {
        const response = await createRoom(server);
        expect(response.status).toBe(502);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ code: 'upstream_error', vendor_code: 302, detail: 'Twilio answered with a redirect (HTTP 302), which is not followed.' });
        expect(body.token).toBeUndefined();
        expect(landing.requests).toEqual([]);
      });
    } finally {
      await Promise.all([redirect.close(), landing.close()]);
    }
  });

  test('an API that refuses connections is 503 upstream_unavailable', async () => {
    await withVideo(`http://127.0.0.1:${await freePort()}`, async (server) => {
      const response = await createRoom(server);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'upstream_unavailable' });
    });
  });
});
