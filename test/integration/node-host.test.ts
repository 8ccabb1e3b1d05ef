import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chatServiceSid, outgoingApplicationSid, twilioCredentials, videoSessionId, vonageApplicationId, vonageKeys,
} from '../support/fixtures';
import { holdSignatures } from '../support/hold-signatures';
import {
  baseEnv, buildDir, freePort, outputSettles, root, runNodeHostToExit, RunningServer, startNodeHost, startTwilioRun,
} from '../support/server';
import { decodeProtectedHeader, verifyTwilioToken, verifyVonageToken, without } from '../support/verify';

const { privatePem, publicKey } = vonageKeys();
const keyLines = privatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
const listedOrigin = 'https://app.example.com';

/**
 * What Vonage Cloud Runtime gives an instance (port, application id, key with real newlines), plus
 * Twilio credentials as plain variables. Sync is left unconfigured so its grant is unavailable.
 */
const vcrEnv = {
  VCR_API_APPLICATION_ID: vonageApplicationId,
  VCR_PRIVATE_KEY: privatePem,
  ...twilioCredentials,
  SERVICE_SID: chatServiceSid,
  OUTGOING_SID: outgoingApplicationSid,
  ALLOWED_ORIGINS: listedOrigin,
};

/** A copy of the build with a web page and the Vonage key as a private asset, as a project would ship them. */
function buildWithAssets(dir: string): string {
  cpSync(buildDir, join(dir, 'build'), { recursive: true });
  mkdirSync(join(dir, 'build', 'assets', 'css'), { recursive: true });
  writeFileSync(join(dir, 'build', 'assets', 'assets', 'index.html'), '<!doctype html><title>tokens</title>');
  writeFileSync(join(dir, 'build', 'assets', 'css', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(dir, 'build', 'assets', 'vonage-private.private.key'), privatePem, { mode: 0o600 });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'build', 'host', 'server.js');
}

const assetBuild = mkdtempSync(join(tmpdir(), 'host-build-'));
let host: RunningServer;
let twilioRun: RunningServer;
let emptyHost: RunningServer;
let assetHost: RunningServer;

beforeAll(async () => {
  [host, twilioRun, emptyHost, assetHost] = await Promise.all([
    startNodeHost(vcrEnv),
    startTwilioRun(vcrEnv),
    startNodeHost({}),
    startNodeHost({ VONAGE_APPLICATION_ID: vonageApplicationId }, buildWithAssets(assetBuild)),
  ]);
}, 60000);
afterAll(async () => {
  await Promise.all([host, twilioRun, emptyHost, assetHost].map((running) => running?.stop()));
  rmSync(assetBuild, { recursive: true, force: true });
});

describe('start-up', () => {
  test.each([
    ['VCR_PRIVATE_KEY', { ...vcrEnv, VCR_PRIVATE_KEY: 'not a key' }, 'VCR_PRIVATE_KEY is not a PEM RSA private key.'],
    ['TOKEN_TTL', { ...vcrEnv, TOKEN_TTL: '10years' }, 'TOKEN_TTL is not a whole number of seconds between 60 and 86400.'],
    ['AUTH_MODE', { ...vcrEnv, AUTH_MODE: 'JWT' }, 'AUTH_MODE is not none, passcode, jwt, vonage.'],
    ['AUTH_PASSCODE', { ...vcrEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: 'seven77' }, 'AUTH_PASSCODE is not at least 8 characters.'],
    ['AUTH_ISSUER', { ...vcrEnv, AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_AUDIENCE: 'app' }, 'Set AUTH_ISSUER in the environment or .env file.'],
    ['PORT', { PORT: 'eighty', VCR_PORT: '' }, 'PORT is not a TCP port between 1 and 65535.'],
    ['VONAGE_ACL (__proto__)', { ...vcrEnv, VONAGE_ACL: '__proto__' }, 'VONAGE_ACL is not one of client-sdk, voice, messaging, or a JSON object of ACL paths.'],
    ['VONAGE_ACL (constructor)', { ...vcrEnv, VONAGE_ACL: 'constructor' }, 'VONAGE_ACL is not one of client-sdk, voice, messaging, or a JSON object of ACL paths.'],
    ['HOST (999.1.1.1)', { ...vcrEnv, HOST: '999.1.1.1' }, 'HOST is not an IP address or a host name.'],
  ])('a broken %s stops start-up with one line naming it, never its value', async (_name, env, detail) => {
    const { code, stdout, stderr } = await runNodeHostToExit(env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ event: 'host_start_failed', code: expect.stringMatching(/^config_(invalid|missing)$/), detail });
    for (const value of Object.values(env)) if (value.length > 6 && !detail.includes(value)) expect(stderr).not.toContain(value);
  });

  test.each([
    ['HOST names no address', { HOST: 'no-such-host.invalid' }, 'HOST is not a name that resolves (ENOTFOUND).'],
    ['HOST names another machine\'s address', { HOST: '192.0.2.199' }, 'HOST is not an address of this machine (EADDRNOTAVAIL).'],
  ])('%s: start-up stops with one line naming the variable', async (_name, extra, detail) => {
    const { code, stderr } = await runNodeHostToExit({ ...vcrEnv, ...extra });
    expect(code).toBe(1);
    expect(JSON.parse(stderr.trim())).toEqual({ time: expect.any(String), event: 'host_start_failed', code: 'config_invalid', detail });
  });

  test('a port another process listens on stops start-up with one line naming VCR_PORT', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '0.0.0.0', resolve));
    try {
      const { code, stderr } = await runNodeHostToExit({ ...vcrEnv, VCR_PORT: String((busy.address() as AddressInfo).port) });
      expect(code).toBe(1);
      expect(JSON.parse(stderr.trim())).toEqual({
        time: expect.any(String), event: 'host_start_failed', code: 'config_invalid',
        detail: 'VCR_PORT is not a port that no other process listens on (EADDRINUSE).',
      });
    } finally {
      busy.close();
    }
  });
});

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/** Waits until a server has written nothing new for 100 ms: earlier requests' log lines are all in. */
async function outputQuiet(server: RunningServer): Promise<void> {
  let length = -1;
  while (length !== server.output().length) {
    length = server.output().length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('probes', () => {
  test('GET /_/health → 200 without any configuration', async () => {
    const response = await fetch(`${emptyHost.url}/_/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await json(response)).toEqual({ status: 'ok' });
  });

  test('GET /_/ready → 200 after minting and verifying a token of each configured kind', async () => {
    const response = await fetch(`${host.url}/_/ready`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await json(response)).toEqual({ status: 'ready', checks: { twilio: 'ok', vonage: 'ok', state: 'ok' } });
  });

  test('GET /_/ready → 503 with the problem a token request gets when no vendor is configured', async () => {
    const response = await fetch(`${emptyHost.url}/_/ready`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await json(response)).toEqual({
      type: 'urn:rtc-token-service:problem:config_missing', title: 'Configuration is missing', status: 503,
      detail: 'Set ACCOUNT_SID, API_KEY and API_SECRET for /token, or VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY for /vonage-token.',
      code: 'config_missing',
    });
    const token = await fetch(`${emptyHost.url}/token?identity=alice`);
    expect(token.status).toBe(500);
    expect(await json(token)).toMatchObject({ code: 'config_missing', detail: 'Set ACCOUNT_SID, API_KEY, API_SECRET in the environment or .env file.' });
  });

  test('readiness reads the Vonage key from the private asset, as /vonage-token does', async () => {
    expect(await json(await fetch(`${assetHost.url}/_/ready`))).toEqual({ status: 'ready', checks: { vonage: 'ok', state: 'ok' } });
    const response = await fetch(`${assetHost.url}/vonage-token?identity=alice`);
    expect(response.status).toBe(200);
    await verifyVonageToken((await json(response)).token, publicKey);
  });
});

/** What a client sees of an answer, with per-token values (`jti`, `iat`, `exp`) reduced to the lifetime. */
async function observe(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(base + path, init);
  const headers = Object.fromEntries(['content-type', 'cache-control', 'access-control-allow-origin', 'vary']
    .map((name) => [name, response.headers.get(name)]));
  const body = await json(response);
  if (typeof body.token !== 'string') return { status: response.status, headers, body };
  const { payload } = path.startsWith('/vonage-token')
    ? await verifyVonageToken(body.token, publicKey)
    : await verifyTwilioToken(body.token, twilioCredentials.API_SECRET);
  return {
    status: response.status,
    headers,
    body: without(body, 'token', 'expires_at'),
    jwtHeader: decodeProtectedHeader(body.token),
    claims: without(payload, 'jti', 'iat', 'exp'),
    lifetime: payload.exp! - payload.iat!,
  };
}

const listed = { origin: listedOrigin };
const postJson = (body: object): RequestInit => ({ method: 'POST', headers: { ...listed, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const postForm = (fields: Record<string, string>): RequestInit => ({ method: 'POST', headers: listed, body: new URLSearchParams(fields) });

describe('the host answers exactly as twilio-run does for the same inputs', () => {
  test.each<[string, string, RequestInit]>([
    ['GET /token', '/token?identity=alice', { headers: listed }],
    ['GET /token from an unlisted origin', '/token?identity=alice', { headers: { origin: 'https://evil.example' } }],
    ['GET /token without an origin', '/token?identity=alice&grants=video&room=standup&ttl=600', {}],
    ['POST /token JSON', '/token', postJson({ identity: 'bob', grants: ['voice', 'video'], ttl: 120 })],
    ['POST /token form', '/token', postForm({ identity: 'carol', grants: 'chat' })],
    ['POST /token query and form together', '/token?grants=video', postForm({ identity: 'dan', ttl: '300' })],
    ['identity_missing', '/token', { headers: listed }],
    ['identity repeated', '/token?identity=alice&identity=mallory', { headers: listed }],
    ['identity as an object', '/token?identity[name]=alice', { headers: listed }],
    ['form field with brackets', '/token', postForm({ 'identity[name]': 'alice' })],
    ['grant_unavailable', '/token?identity=alice&grants=video,sync', { headers: listed }],
    ['ttl_invalid', '/token?identity=alice&ttl=59', { headers: listed }],
    ['GET /vonage-token', '/vonage-token?identity=alice', { headers: listed }],
    ['POST /vonage-token JSON video', '/vonage-token', postJson({ identity: 'bob', kind: 'video', session_id: videoSessionId, role: 'subscriber', data: 'name=Bob' })],
    ['POST /vonage-token form', '/vonage-token', postForm({ identity: 'carol', ttl: '120' })],
    ['acl_not_allowed', '/vonage-token?identity=alice&acl[paths][/**]=', { headers: listed }],
    ['kind_invalid', '/vonage-token?identity=alice&kind=sip', { headers: listed }],
    ['role_forbidden', '/vonage-token?identity=alice&kind=video&session_id=s1&role=moderator', { headers: listed }],
  ])('%s', async (_name, path, init) => {
    const [ours, reference] = await Promise.all([observe(host.url, path, init), observe(twilioRun.url, path, init)]);
    expect(ours).toEqual(reference);
  });
});

describe('requests the host refuses itself, in the same problem format', () => {
  async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, any>> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe(listedOrigin);
    const body = await json(response);
    expect(body).toMatchObject({ type: `urn:rtc-token-service:problem:${code}`, status, code });
    return body;
  }

  test('an unknown path → 404', async () => {
    await expectProblem(await fetch(`${host.url}/tokens?identity=alice`, { headers: listed }), 404, 'not_found');
  });

  test.each(['DELETE', 'PUT', 'PATCH'])('%s → 405 with Allow', async (method) => {
    const response = await fetch(`${host.url}/token`, { method, headers: listed });
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    await expectProblem(response, 405, 'method_not_allowed');
  });

  test('malformed JSON → 400 body_invalid', async () => {
    const response = await fetch(`${host.url}/token`, { method: 'POST', headers: { ...listed, 'content-type': 'application/json' }, body: '{"identity":' });
    const body = await expectProblem(response, 400, 'body_invalid');
    expect(body.detail).toBe('The request body is not valid JSON.');
  });

  test('a body of exactly 16 KB is accepted', async () => {
    const base = JSON.stringify({ identity: 'alice', pad: '' });
    const body = JSON.stringify({ identity: 'alice', pad: 'x'.repeat(16384 - base.length) });
    expect(Buffer.byteLength(body)).toBe(16384);
    const response = await fetch(`${host.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
  });

  test('a body over 16 KB → 413, from its Content-Length; the connection stays usable', async () => {
    const body = JSON.stringify({ identity: 'alice', pad: 'x'.repeat(16384) });
    const response = await fetch(`${host.url}/token`, { method: 'POST', headers: { ...listed, 'content-type': 'application/json' }, body });
    expect(response.headers.get('connection')).toBe('keep-alive');
    await expectProblem(response, 413, 'body_too_large');
  });

  test('a chunked body over 16 KB → 413, counted while it streams, which the client always reads', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(4096));
    for (let attempt = 0; attempt < 20; attempt++) {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await fetch(`${host.url}/token`, { method: 'POST', headers: listed, body, duplex: 'half' } as RequestInit);
      await expectProblem(response, 413, 'body_too_large');
    }
  });

  test('a body declared over 1 MB → 413 at once with Connection: close, without waiting for a byte of it', async () => {
    const socket = connect(host.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => { received += chunk; });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(received).toContain('Connection: close');
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'body_too_large', status: 413 });
  });
});

describe('CORS preflight', () => {
  test('a listed origin gets the allow headers for Authorization and Content-Type', async () => {
    const response = await fetch(`${host.url}/token`, {
      method: 'OPTIONS',
      headers: { origin: listedOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'))).toEqual({
      'access-control-allow-origin': listedOrigin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  test('an unlisted origin gets no allow headers', async () => {
    const response = await fetch(`${host.url}/vonage-token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
  });

  test('a path that serves nothing → 404', async () => {
    const response = await fetch(`${host.url}/nothing`, { method: 'OPTIONS', headers: listed });
    expect(response.status).toBe(404);
  });
});

describe('assets', () => {
  test('public assets are served, and / answers with /assets/index.html as on Twilio', async () => {
    for (const path of ['/', '/assets/index.html']) {
      const response = await fetch(assetHost.url + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toBe('<!doctype html><title>tokens</title>');
    }
    const css = await fetch(`${assetHost.url}/css/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe('body { margin: 0 }');
  });

  test('the browser module is a script the listed origins may import, with the endpoints\' CORS headers', async () => {
    const listed = await fetch(`${host.url}/rtc-token-client.js`, { headers: { origin: listedOrigin } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(listed.headers.get('access-control-allow-origin')).toBe(listedOrigin);
    expect(listed.headers.get('vary')).toBe('Origin');
    expect(await listed.text()).toContain('export {');
    const unlisted = await fetch(`${host.url}/rtc-token-client.js`, { headers: { origin: 'https://evil.example' } });
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('private assets are never served', async () => {
    for (const path of ['/vonage-private.key', '/vonage-private.private.key', '/assets/vonage-private.key']) {
      const response = await fetch(assetHost.url + path);
      expect(response.status).toBe(404);
      const text = await response.text();
      for (const line of keyLines) expect(text).not.toContain(line);
    }
  });
});

describe('logging', () => {
  test('one access-log line per request, without the query string', async () => {
    // Complete lines only: the host writes its log asynchronously, so the last one may be partial.
    const accessLines = () => host.output().split('\n').slice(0, -1).filter((line) => line.includes('"event":"http"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    await outputQuiet(host);
    const before = accessLines().length;
    await fetch(`${host.url}/token?identity=log-probe&credential_probe=hunter2`);
    await outputSettles(host, () => accessLines().length > before);
    await outputQuiet(host);

    const added = accessLines().slice(before);
    expect(added).toEqual([{
      time: expect.any(String), event: 'http', method: 'GET', path: '/token', status: 200, duration_ms: expect.any(Number),
      outcome: 'issued', identity: 'log-probe', grants: ['video', 'chat', 'voice'], ttl: 3600,
    }]);
    expect(host.output()).not.toContain('hunter2');
    expect(host.output()).not.toContain('credential_probe');
  });

  test('a client that leaves before its answer still gets its line, marked aborted', async () => {
    const socket = connect(host.port, '127.0.0.1');
    socket.write('POST /vonage-token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.end('{"iden', () => socket.destroy());
    await outputSettles(host, (output) => output.includes('"aborted":true'));
    const line = host.output().split('\n').find((entry) => entry.includes('"aborted":true'))!;
    expect(JSON.parse(line)).toEqual({
      time: expect.any(String), event: 'http', method: 'POST', path: '/vonage-token', status: null, duration_ms: expect.any(Number), aborted: true,
    });
  });

  test('no key material, secret or token in any output', async () => {
    const { token } = await json(await fetch(`${host.url}/vonage-token?identity=output-probe`));
    await outputSettles(host, (output) => output.includes('"identity":"output-probe"'));
    for (const server of [host, emptyHost, assetHost]) {
      for (const line of keyLines) expect(server.output()).not.toContain(line);
      expect(server.output()).not.toContain(twilioCredentials.API_SECRET);
    }
    expect(host.output()).not.toContain(token);
  });
});

describe('binding', () => {
  const external = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal);

  test('listens on 0.0.0.0, every interface', () => {
    const started = host.output().split('\n').find((line) => line.includes('"event":"host_started"'));
    expect(JSON.parse(started!)).toMatchObject({ address: `0.0.0.0:${host.port}`, endpoints: ['/token', '/vonage-token', '/accessToken', '/access-token', '/about'], vendors: ['twilio', 'vonage'] });
  });

  (external ? test : test.skip)(`answers on this machine's own address ${external?.address ?? '(this machine has no non-loopback IPv4 address: skipped)'}`, async () => {
    const response = await fetch(`http://${external!.address}:${host.port}/_/health`);
    expect(response.status).toBe(200);
  });
});

describe('requests Node refuses before any handler runs, answered as problems', () => {
  /** Sends raw bytes and resolves with everything the host answered before closing. */
  function raw(request: string | Buffer): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(host.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => { received += chunk; });
      socket.once('close', () => resolve(received));
      socket.write(request);
    });
  }

  function problemIn(answer: string): Record<string, unknown> {
    return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  }

  test.each([
    ['a malformed Content-Length', 'POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n'],
    ['two different Content-Lengths', 'POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    ['a malformed request line', 'G@T /token?identity=alice HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('%s → 400 request_invalid', async (_name, request) => {
    const answer = await raw(request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(answer).toContain('Connection: close');
    expect(problemIn(answer)).toEqual({
      type: 'urn:rtc-token-service:problem:request_invalid', title: 'Request is not valid HTTP', status: 400,
      detail: 'The request is not valid HTTP/1.1.', code: 'request_invalid',
    });
  });

  test('a raw non-ASCII byte in the target → 400 request_invalid', async () => {
    const answer = await raw(Buffer.concat([Buffer.from('GET /token?identity=a'), Buffer.from([0xff]), Buffer.from('b HTTP/1.1\r\nHost: x\r\n\r\n')]));
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(problemIn(answer)).toMatchObject({ code: 'request_invalid', status: 400 });
  });

  test('headers over 16 KB → 431 headers_too_large', async () => {
    const answer = await raw(`GET /token?identity=alice HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(17 * 1024)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(problemIn(answer)).toEqual({
      type: 'urn:rtc-token-service:problem:headers_too_large', title: 'Request headers are too large', status: 431,
      detail: 'The request headers must be at most 16 KB in total.', code: 'headers_too_large',
    });
  });
});

/** Resolves once `count` of `answers` have arrived; the rest may still be waiting. */
async function arrived(answers: Array<Promise<Response>>, count: number): Promise<Response[]> {
  const received: Response[] = [];
  await new Promise<void>((resolve, reject) => {
    for (const answer of answers) {
      answer.then((response) => {
        received.push(response);
        if (received.length === count) resolve();
      }, reject);
    }
  });
  return received;
}

describe('load shedding', () => {
  // One signing slot and a queue of four (UV_THREADPOOL_SIZE=1), and every signature held until
  // the test lets go: exactly five requests get in, however fast this machine signs.
  const small = { ...vcrEnv, UV_THREADPOOL_SIZE: '1', RATE_LIMIT_IDENTITY: '0', RATE_LIMIT_IP: '0' };

  test('an RSA flood beyond the slot and queue gets 503 overloaded with Retry-After, while /token and the probes keep answering', async () => {
    const signatures = holdSignatures();
    const server = await startNodeHost({ ...small, ...signatures.env });
    try {
      signatures.hold();
      const flood = Array.from({ length: 25 }, () => fetch(`${server.url}/vonage-token?identity=flood`));
      const shed = await arrived(flood, 20);
      expect(shed.map((answer) => answer.status)).toEqual(Array(20).fill(503));
      expect(shed[0].headers.get('retry-after')).toBe('1');
      expect(await json(shed[0])).toMatchObject({ code: 'overloaded', status: 503 });
      const [token, health] = await Promise.all([fetch(`${server.url}/token?identity=alice`), fetch(`${server.url}/_/health`)]);
      expect([token.status, health.status]).toEqual([200, 200]);

      signatures.release();
      const answers = await Promise.all(flood);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
      expect((await fetch(`${server.url}/vonage-token?identity=after`)).status).toBe(200);
    } finally {
      signatures.release();
      await server.stop();
    }
  });

  test('/_/ready stays 200 through a flood that is being shed, and after it', async () => {
    // Held from the start, so no signature made after start-up, readiness's included, can finish.
    const signatures = holdSignatures(true);
    const server = await startNodeHost({ ...small, ...signatures.env });
    const ready = async () => {
      const response = await fetch(`${server.url}/_/ready`, { signal: AbortSignal.timeout(3000) });
      return { status: response.status, body: await json(response) };
    };
    const isReady = { status: 200, body: { status: 'ready', checks: { twilio: 'ok', vonage: 'ok', state: 'ok' } } };
    try {
      const flood = Array.from({ length: 25 }, () => fetch(`${server.url}/vonage-token?identity=flood`));
      const shed = await arrived(flood, 20);
      expect(shed.every((answer) => answer.status === 503)).toBe(true);
      expect(await ready()).toEqual(isReady);
      signatures.release();
      await Promise.all(flood);
      expect(await ready()).toEqual(isReady);
    } finally {
      signatures.release();
      await server.stop();
    }
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM exits 0 within 5 s even when stdout is never read, reporting dropped log lines on stderr', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(buildDir, 'host', 'server.js')], {
      env: baseEnv({ ...vcrEnv, VCR_PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Nobody reads stdout: the pipe fills and stays full, as with a stuck log collector.
    child.stdout.pause();
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      if (await fetch(`${url}/_/health`).then(() => true, () => false)) break;
      if (attempt > 200) throw new Error('the host did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Each 404 logs its 8 KB path: a few hundred fill the pipe and the host's 1 MB allowance.
    const longPath = `/${'x'.repeat(8000)}`;
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 40 }, () => fetch(url + longPath).then((response) => response.arrayBuffer())));
    }
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5500);
    const dropped = stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => line.event === 'log_lines_dropped');
    expect(dropped).toMatchObject({ level: 'warn', count: expect.any(Number) });
    expect(dropped.count).toBeGreaterThan(0);
  });

  test('SIGTERM stops new connections, finishes the request in flight, then exits 0', async () => {
    const server = await startNodeHost(vcrEnv);
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => { received += chunk; });
    const ended = new Promise((resolve) => socket.once('end', resolve));
    // Node answers `100 Continue` once it has the request's headers: from then on it is in flight.
    const body = 'identity=in-flight';
    socket.write(`POST /token HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nExpect: 100-continue\r\n`
      + `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.on('data', () => received.includes('100 Continue') && resolve()));
    socket.write(body.slice(0, 9));

    const exited = server.stop('SIGTERM');
    await outputSettles(server, (output) => output.includes('"event":"host_stopping","signal":"SIGTERM","in_flight":1'));
    await expect(fetch(`${server.url}/_/health`)).rejects.toThrow();

    socket.write(body.slice(9));
    await ended;
    const [head, payload] = received.slice(received.indexOf('\r\n\r\n') + 4).split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Connection: close');
    expect(JSON.parse(payload)).toMatchObject({ identity: 'in-flight', token: expect.any(String) });
    expect(await exited).toBe(0);
    expect(server.output()).toContain('"event":"host_stopped"');
  });
});
