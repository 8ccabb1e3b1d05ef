import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentedClientSdkPaths, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { andItsLogLine, buildDir, RunningServer, startTwilioRun } from '../support/server';
import { verifyVonageToken } from '../support/verify';
import { vonageVerifySignature } from '../support/vonage-reference';

const { privatePem, publicKey, publicPem } = vonageKeys();
/** Lines of the PEM's base64 body: any of them in output would be key material. */
const keyLines = privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));

let server: RunningServer;
let assetKeyServer: RunningServer;

beforeAll(async () => {
  // The build's assets plus the key as a private asset, as a Twilio deployment would carry it.
  const assets = mkdtempSync(join(tmpdir(), 'assets-'));
  cpSync(join(buildDir, 'assets'), assets, { recursive: true });
  writeFileSync(join(assets, 'vonage-private.private.key'), privatePem, { mode: 0o600 });

  [server, assetKeyServer] = await Promise.all([
    startTwilioRun({ ...vonageEnv(), ALLOWED_ORIGINS: 'https://app.example.com' }),
    startTwilioRun({ VONAGE_APPLICATION_ID: vonageApplicationId }, { assets, processEnv: { DEBUG: '*' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([server, assetKeyServer].map((running) => running?.stop()));
});

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe('/vonage-token under twilio-run', () => {
  test('GET mints a client token that jose and @vonage/jwt verify', async () => {
    const response = await fetch(`${server.url}/vonage-token?identity=alice`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = await json(response);
    expect(body).toMatchObject({ identity: 'alice', kind: 'client', ttl: 900, acl: documentedClientSdkPaths });
    const { payload } = await verifyVonageToken(body.token, publicKey);
    expect(payload).toMatchObject({ sub: 'alice', application_id: vonageApplicationId });
    expect(vonageVerifySignature(body.token, publicPem)).toBe(true);
  });

  test('POST JSON mints a video token', async () => {
    const response = await fetch(`${server.url}/vonage-token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'bob', kind: 'video', session_id: videoSessionId, role: 'subscriber', data: 'name=Bob' }),
    });
    const body = await json(response);
    expect(body).toMatchObject({ identity: 'bob', kind: 'video', session_id: videoSessionId, role: 'subscriber' });
    const { payload } = await verifyVonageToken(body.token, publicKey);
    // The service writes the identity; the caller's data rides under "data".
    expect(payload).toMatchObject({ scope: 'session.connect', role: 'subscriber', connection_data: '{"identity":"bob","data":"name=Bob"}' });
  });

  test('POST form mints a client token', async () => {
    const response = await fetch(`${server.url}/vonage-token`, { method: 'POST', body: new URLSearchParams({ identity: 'carol', ttl: '120' }) });
    const body = await json(response);
    expect(body).toMatchObject({ identity: 'carol', ttl: 120 });
  });

  test.each([
    ['/vonage-token', 400, 'identity_missing'],
    ['/vonage-token?identity=a%0Ab', 400, 'identity_invalid'],
    ['/vonage-token?identity=alice&acl=/**', 400, 'acl_not_allowed'],
    ['/vonage-token?identity=alice&acl[paths][/**]=', 400, 'acl_not_allowed'],
    ['/vonage-token?identity=alice&kind=sip', 400, 'kind_invalid'],
    ['/vonage-token?identity=alice&ttl=100000', 400, 'ttl_invalid'],
    ['/vonage-token?identity=alice&kind=video', 400, 'session_id_missing'],
    ['/vonage-token?identity=alice&kind=video&session_id=%20', 400, 'session_id_invalid'],
    ['/vonage-token?identity=alice&kind=video&session_id=s1&role=owner', 400, 'role_invalid'],
    ['/vonage-token?identity=alice&kind=video&session_id=s1&role=moderator', 403, 'role_forbidden'],
    [`/vonage-token?identity=alice&kind=video&session_id=s1&data=${'x'.repeat(1001)}`, 400, 'data_invalid'],
    ['/vonage-token?identity=alice&role=publisher', 400, 'param_invalid'],
  ])('GET %s → %i %s', async (path, status, code) => {
    const response = await fetch(server.url + path, { headers: { origin: 'https://app.example.com' } });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(await json(response)).toMatchObject({ status, code });
  });

  test('CORS on tokens follows ALLOWED_ORIGINS', async () => {
    const listed = await fetch(`${server.url}/vonage-token?identity=alice`, { headers: { origin: 'https://app.example.com' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const unlisted = await fetch(`${server.url}/vonage-token?identity=alice`, { headers: { origin: 'https://evil.example' } });
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
    expect(unlisted.headers.get('vary')).toBe('Origin');
  });

  test('reads the key from a private asset, which is never served over HTTP', async () => {
    const response = await fetch(`${assetKeyServer.url}/vonage-token?identity=alice`);
    expect(response.status).toBe(200);
    await verifyVonageToken((await json(response)).token, publicKey);

    for (const path of ['/vonage-private.key', '/vonage-private.private.key', '/assets/vonage-private.key']) {
      const asset = await fetch(assetKeyServer.url + path);
      expect([403, 404]).toContain(asset.status);
      const text = await asset.text();
      for (const line of keyLines) expect(text).not.toContain(line);
    }
  });

  test('with DEBUG=* and the key as a private asset, no key material reaches any output', async () => {
    await andItsLogLine(assetKeyServer, '"identity":"debug-user"', () => fetch(`${assetKeyServer.url}/vonage-token?identity=debug-user`));
    await andItsLogLine(assetKeyServer, '"identity":"debug-user"',
      () => fetch(`${assetKeyServer.url}/vonage-token?identity=debug-user&kind=video&session_id=${videoSessionId}&role=publisher`));
    const output = assetKeyServer.output();
    expect(output).toContain('twilio-runtime-handler');
    expect(output).toContain('"identity":"debug-user"');
    for (const line of keyLines) expect(output).not.toContain(line);
  });
});
