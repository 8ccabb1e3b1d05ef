import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../support/fixtures';
import { IdentityProvider } from '../support/identity-provider';
import { andItsLogLine, hosts, RunningServer, startNodeHost } from '../support/server';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

describe.each(hosts)('AUTH_MODE=jwt on %s', (_host, start) => {
  const idp = new IdentityProvider();
  let server: RunningServer;

  beforeAll(async () => {
    await idp.start();
    server = await start({ ...fullTwilioEnv, ...vonageEnv(), ...idp.env({ AUTH_GRANTS_CLAIM: 'rtc' }) });
  });
  afterAll(async () => {
    await server?.stop();
    await idp.stop();
  });

  test('/token binds the identity to the bearer token\'s sub and its grants claim', async () => {
    const jwt = await idp.sign({ sub: 'alice', rtc: ['video'] });
    const response = await fetch(`${server.url}/token`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; grants: string[] };
    expect(body.grants).toEqual(['video']);
    const { payload } = await verifyTwilioToken(body.token, twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'alice', video: {} });
  });

  test('/vonage-token refuses another identity with 403', async () => {
    const jwt = await idp.sign({ sub: 'alice', rtc: ['client-sdk'] });
    const ok = await fetch(`${server.url}/vonage-token`, { headers: { authorization: `Bearer ${jwt}` } });
    const { payload } = await verifyVonageToken(((await ok.json()) as { token: string }).token, vonageKeys().publicKey);
    expect(payload.sub).toBe('alice');
    const mismatch = await fetch(`${server.url}/vonage-token?identity=bob`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(mismatch.status).toBe(403);
    expect(await mismatch.json()).toMatchObject({ code: 'identity_mismatch' });
  });

  test('no credentials: 401 with the WWW-Authenticate challenge', async () => {
    const response = await fetch(`${server.url}/token?identity=alice`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="rtc-token-service"');
    expect(await response.json()).toMatchObject({ code: 'auth_required' });
  });

  test('a bad token: 401 invalid_token, never echoed in the answer or the server output', async () => {
    const forged = `${(await idp.sign({ sub: 'mallory' })).slice(0, -4)}AAAA`;
    const response = await andItsLogLine(server, '"code":"auth_invalid"', () => fetch(`${server.url}/token`, { headers: { authorization: `Bearer ${forged}` } }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="rtc-token-service", error="invalid_token"');
    expect(await response.text()).not.toContain(forged);
    expect(server.output()).not.toContain(forged);
  });
});

describe.each(hosts)('AUTH_MODE=passcode on %s', (_host, start) => {
  const passcode = 'the-demo-passcode';
  let server: RunningServer;

  beforeAll(async () => {
    server = await start({ ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode });
  });
  afterAll(() => server?.stop());

  const post = (body: Record<string, unknown>, path = '/token') => fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

  test('the passcode in the query string, right or wrong, is 400 credentials_in_url saying where to send it', async () => {
    for (const guess of [passcode, 'wrong-guess']) {
      const response = await fetch(`${server.url}/token?identity=alice&passcode=${guess}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        type: 'urn:rtc-token-service:problem:credentials_in_url', title: 'Credentials are not allowed in the URL', status: 400,
        detail: 'Send the passcode in the request body or as Authorization: Bearer <passcode>, never in the URL, where servers, proxies and browsers log it.',
        code: 'credentials_in_url',
      });
    }
  });

  test('the passcode in a JSON body, as Twilio\'s reference apps send it, or as a bearer token, is accepted', async () => {
    expect((await post({ user_identity: 'alice', passcode })).status).toBe(200);
    expect((await fetch(`${server.url}/token?identity=alice`, { headers: { authorization: `Bearer ${passcode}` } })).status).toBe(200);
  });
});

describe('the Node host, which reads the query apart from the body', () => {
  const passcode = 'the-demo-passcode';
  let server: RunningServer;

  beforeAll(async () => {
    server = await startNodeHost({ ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode });
  });
  afterAll(() => server?.stop());

  test('refuses the passcode in the query of a POST that has a body too', async () => {
    const response = await fetch(`${server.url}/token?passcode=${passcode}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'alice' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'credentials_in_url' });
  });
});
