import { chatServiceSid, outgoingApplicationSid, twilioCredentials } from '../support/fixtures';
import { andItsLogLine, linesWith, RunningServer, startTwilioRun } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

const listedOrigin = 'https://app.example.com';
let server: RunningServer;
let unconfigured: RunningServer;
let misconfigured: RunningServer;

beforeAll(async () => {
  [server, unconfigured, misconfigured] = await Promise.all([
    // Sync is left unconfigured so its grant is unavailable here.
    startTwilioRun({ ...twilioCredentials, SERVICE_SID: chatServiceSid, OUTGOING_SID: outgoingApplicationSid, ALLOWED_ORIGINS: listedOrigin }),
    startTwilioRun({}),
    startTwilioRun({ ...twilioCredentials, ACCOUNT_SID: 'ACnot-a-sid' }),
  ]);
});
afterAll(async () => {
  await Promise.all([server, unconfigured, misconfigured].map((running) => running?.stop()));
});

async function expectToken(response: Response, identity: string, grants: string[]): Promise<void> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toContain('no-store');
  const body = (await response.json()) as Record<string, any>;
  expect(body).toMatchObject({ identity, grants });
  const { payload } = await verifyTwilioToken(body.token, twilioCredentials.API_SECRET);
  expect(payload).toMatchObject({ iss: twilioCredentials.API_KEY, sub: twilioCredentials.ACCOUNT_SID, grants: { identity } });
  expect(new Date(body.expires_at).getTime()).toBe(payload.exp! * 1000);
}

async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const body = (await response.json()) as Record<string, any>;
  expect(body).toMatchObject({ type: `urn:rtc-token-service:problem:${code}`, status, code });
  return body;
}

describe('/token under twilio-run', () => {
  test('GET with a query string', async () => {
    await expectToken(await fetch(`${server.url}/token?identity=alice`), 'alice', ['video', 'chat', 'voice']);
  });

  test('POST with a JSON body', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'bob', grants: ['voice', 'video'], ttl: 120 }),
    });
    await expectToken(response, 'bob', ['video', 'voice']);
  });

  test('POST with a form body', async () => {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST', body: new URLSearchParams({ identity: 'carol', grants: 'chat' }),
    });
    await expectToken(response, 'carol', ['chat']);
  });

  test.each([
    ['/token', 400, 'identity_missing'],
    ['/token?identity=alice%20smith', 400, 'identity_invalid'],
    ['/token?identity=alice&identity=mallory', 400, 'identity_invalid'],
    ['/token?identity[name]=alice', 400, 'identity_invalid'],
    ['/token?identity=alice&ttl=59', 400, 'ttl_invalid'],
    ['/token?identity=alice&grants=admin', 400, 'grant_invalid'],
    ['/token?identity=alice&grants=voice&room=standup', 400, 'param_invalid'],
  ])('GET %s → %i %s', async (path, status, code) => {
    await expectProblem(await fetch(server.url + path), status, code);
  });

  test('a grant the deployment has not configured → grant_unavailable', async () => {
    const body = await expectProblem(await fetch(`${server.url}/token?identity=alice&grants=video,sync`), 400, 'grant_unavailable');
    expect(body.detail).toBe('The sync grant is not configured on this deployment (the server sets SYNC_SERVICE_SID).');
  });

  test('missing credentials → config_missing naming them', async () => {
    const body = await expectProblem(await fetch(`${unconfigured.url}/token?identity=alice`), 500, 'config_missing');
    expect(body.detail).toBe('Set ACCOUNT_SID, API_KEY, API_SECRET in the environment or .env file.');
  });

  test('a malformed credential → config_invalid naming it, not its value', async () => {
    const response = await fetch(`${misconfigured.url}/token?identity=alice`);
    const text = await response.clone().text();
    const body = await expectProblem(response, 500, 'config_invalid');
    expect(body.detail).toBe('ACCOUNT_SID is not an Account SID (AC followed by 32 hex characters).');
    expect(text).not.toContain('ACnot-a-sid');
    expect(text).not.toContain(twilioCredentials.API_SECRET);
  });

  test('CORS: a listed origin is echoed', async () => {
    const response = await fetch(`${server.url}/token?identity=alice`, { headers: { origin: listedOrigin } });
    expect(response.headers.get('access-control-allow-origin')).toBe(listedOrigin);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  test('CORS: an unlisted origin gets no allow header', async () => {
    const response = await fetch(`${server.url}/token?identity=alice`, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  test('CORS: a request without Origin is served', async () => {
    const response = await fetch(`${server.url}/token?identity=alice`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the server logs one line per token without the token', async () => {
    const response = await andItsLogLine(server, '"identity":"logged-user"', () => fetch(`${server.url}/token?identity=logged-user`));
    const { token } = (await response.json()) as { token: string };
    const lines = linesWith(server, '"identity":"logged-user"');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ event: 'token', outcome: 'issued', identity: 'logged-user' });
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain(twilioCredentials.API_SECRET);
  });
});
