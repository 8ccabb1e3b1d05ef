import { spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { fullTwilioEnv, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { audience, IdentityProvider, issuer } from '../support/identity-provider';
import { baseEnv, buildDir, RunningServer, startNodeHost, startTwilioRun } from '../support/server';

/** Both vendors, no limits in the way: these tests send many requests from one address. */
const env = { ...fullTwilioEnv, ...vonageEnv(), RATE_LIMIT_IP: '0', RATE_LIMIT_IDENTITY: '0' };
let nodeHost: RunningServer;
let twilioRun: RunningServer;

beforeAll(async () => {
  [nodeHost, twilioRun] = await Promise.all([startNodeHost(env), startTwilioRun(env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([nodeHost?.stop(), twilioRun?.stop()]);
});

const hosts = () => [['the Node host', nodeHost], ['twilio-run', twilioRun]] as const;

/** The same identity in the three forms a request can carry it. */
function sent(path: string, identity: string): Array<[string, string, RequestInit]> {
  return [
    ['query', `${path}?identity=${encodeURIComponent(identity)}`, {}],
    ['form', path, { method: 'POST', body: new URLSearchParams({ identity }) }],
    ['JSON', path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity }) }],
  ];
}

async function problem(response: Response): Promise<{ status: number; code: string; type: string | null }> {
  const body = (await response.json()) as { code: string; token?: string };
  expect(body.token).toBeUndefined();
  return { status: response.status, code: body.code, type: response.headers.get('content-type') };
}

describe('1. invisible characters never make an identity', () => {
  const spoofs = [
    ['right-to-left override U+202E', 'alice\u202Enimda'],
    ['zero-width space U+200B', 'alice\u200B'],
    ['zero-width joiner U+200D', 'al\u200Dice'],
    ['soft hyphen U+00AD', 'ali\u00ADce'],
    ['bidi isolate U+2066', '\u2066alice'],
    ['BOM U+FEFF', '\uFEFFalice'],
  ];
  test.each(spoofs)('%s: 400 identity_invalid on both endpoints, both hosts, all three forms', async (_name, identity) => {
    for (const [, host] of hosts()) {
      for (const path of ['/token', '/vonage-token']) {
        for (const [form, target, init] of sent(path, identity)) {
          expect({ form, path, ...(await problem(await fetch(host.url + target, init))) })
            .toEqual({ form, path, status: 400, code: 'identity_invalid', type: 'application/problem+json; charset=utf-8' });
        }
      }
    }
  });
});

describe('2. input that does not decode never becomes an identity', () => {
  test.each([['the Node host', () => nodeHost], ['twilio-run', () => twilioRun]] as const)('%s: ?identity=a%%FFb is a 400, never a token for "a%%FFb"', async (_name, host) => {
    const answer = await problem(await fetch(`${host().url}/token?identity=a%FFb`));
    expect(answer.status).toBe(400);
    expect(['param_invalid', 'identity_invalid']).toContain(answer.code);
  });

  test.each([['the Node host', () => nodeHost], ['twilio-run', () => twilioRun]] as const)('%s: a form body with a raw 0xFF byte is a 400, never a token for U+FFFD', async (_name, host) => {
    const body = Buffer.concat([Buffer.from('identity=a'), Buffer.from([0xff]), Buffer.from('b')]);
    const answer = await problem(await fetch(`${host().url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }));
    expect(answer.status).toBe(400);
    expect(['body_invalid', 'identity_invalid']).toContain(answer.code);
  });

  test('the Node host names the decoding failure itself', async () => {
    expect((await problem(await fetch(`${nodeHost.url}/token?identity=a%FFb`))).code).toBe('param_invalid');
    const body = Buffer.concat([Buffer.from('identity=a'), Buffer.from([0xff]), Buffer.from('b')]);
    expect((await problem(await fetch(`${nodeHost.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }))).code).toBe('body_invalid');
  });
});

describe('3. a JSON number is not an identity', () => {
  test.each([['the Node host', () => nodeHost], ['twilio-run', () => twilioRun]] as const)('%s: {"identity":12345} is 400 identity_invalid', async (_name, host) => {
    for (const path of ['/token', '/vonage-token']) {
      const response = await fetch(host().url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"identity":12345}' });
      expect(await problem(response)).toMatchObject({ status: 400, code: 'identity_invalid' });
    }
  });
});

describe('4 and 5. bearer tokens that never expire, and the service\'s own tokens, are not credentials', () => {
  const idp = new IdentityProvider();
  const vonageAudience = 'https://tokens.example.com';
  let jwtHost: RunningServer;
  let vonageHost: RunningServer;

  beforeAll(async () => {
    await idp.start();
    [jwtHost, vonageHost] = await Promise.all([
      startNodeHost({ ...env, ...idp.env() }),
      startNodeHost({ ...env, AUTH_MODE: 'vonage', AUTH_AUDIENCE: vonageAudience }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jwtHost?.stop(), vonageHost?.stop(), idp.stop()]);
  });

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const now = () => Math.floor(Date.now() / 1000);

  test('jwt mode: no exp, or an iat a year ahead, is 401 auth_invalid', async () => {
    for (const token of [
      await idp.sign({ sub: 'mallory' }, { expiresIn: null }),
      await idp.sign({ sub: 'mallory' }, { issuedAt: now() + 365 * 86400, expiresIn: now() + 366 * 86400 }),
    ]) {
      expect(await problem(await fetch(`${jwtHost.url}/token`, bearer(token)))).toMatchObject({ status: 401, code: 'auth_invalid' });
    }
    expect((await fetch(`${jwtHost.url}/token`, bearer(await idp.sign({ sub: 'alice' })))).status).toBe(200);
  });

  test('vonage mode: a backend credential works; every token the service mints, fed back, is 401', async () => {
    const credential = await new SignJWT({ sub: 'frank', application_id: vonageApplicationId, aud: vonageAudience })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('5m').sign(createPrivateKey(vonageKeys().privatePem));
    const mint = async (query: string) => {
      const response = await fetch(`${vonageHost.url}/vonage-token?${query}`, bearer(credential));
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    const minted = [await mint('ttl=60'), await mint(`kind=video&session_id=${videoSessionId}`), await mint(`kind=video&session_id=${videoSessionId}&role=subscriber`)];
    for (const token of minted) {
      for (const path of ['/vonage-token', '/token']) {
        expect(await problem(await fetch(`${vonageHost.url}${path}`, bearer(token)))).toMatchObject({ status: 401, code: 'auth_invalid' });
      }
    }
  });
});

/** A key set server that misbehaves in one way, on a free loopback port. */
async function keySetServer(behaviour: 'trickle' | 'hang' | 'huge'): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_request, response) => {
    if (behaviour === 'hang') return;
    response.writeHead(200, { 'content-type': 'application/json' });
    if (behaviour === 'trickle') {
      response.write('{');
      const timer = setInterval(() => response.write(' '), 2000);
      timers.add(timer);
      return;
    }
    // 300 MB, made as it is sent: `{"keys":[` and then padding that never ends a JSON document.
    let sent = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    response.write('{"keys":[');
    const pump = () => {
      while (sent < 300 && response.write(chunk)) sent++;
      if (sent < 300 && !response.destroyed) response.once('drain', pump);
      else response.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: async () => {
      timers.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

describe('6 and 7. key set faults are 503 auth_unavailable within one deadline, and bounded', () => {
  const idp = new IdentityProvider();
  const timed = async (url: string, token: string) => {
    const started = Date.now();
    const answer = await problem(await fetch(url, { headers: { authorization: `Bearer ${token}` } }));
    return { ...answer, ms: Date.now() - started };
  };

  test.each(['trickle', 'hang'] as const)('a key set server that %ss: 503 within the 5 s deadline, then fast while it cools down', async (behaviour) => {
    const keySet = await keySetServer(behaviour);
    const host = await startNodeHost({ ...env, AUTH_MODE: 'jwt', AUTH_JWKS_URL: keySet.url, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience });
    try {
      const token = await idp.sign({ sub: 'alice' });
      const first = await timed(`${host.url}/token`, token);
      expect(first).toMatchObject({ status: 503, code: 'auth_unavailable' });
      expect(first.ms).toBeLessThan(6500);
      const second = await timed(`${host.url}/token`, token);
      expect(second).toMatchObject({ status: 503, code: 'auth_unavailable' });
      expect(second.ms).toBeLessThan(1000);
    } finally {
      await Promise.all([host.stop(), keySet.close()]);
    }
  }, 20_000);

  test('a 300 MB key set is refused past 512 KB: 503, and the host stays small', async () => {
    const keySet = await keySetServer('huge');
    const host = await startNodeHost({ ...env, AUTH_MODE: 'jwt', AUTH_JWKS_URL: keySet.url, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience });
    try {
      const before = rssMiB(host.process.pid!);
      expect(await timed(`${host.url}/token`, await idp.sign({ sub: 'alice' }))).toMatchObject({ status: 503, code: 'auth_unavailable' });
      expect(rssMiB(host.process.pid!) - before).toBeLessThan(50);
    } finally {
      await Promise.all([host.stop(), keySet.close()]);
    }
  }, 20_000);
});

describe('8. weak or odd Vonage keys stop the Node host with a clear line, and never crash it', () => {
  function startUp(extra: Record<string, string>): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(buildDir, 'host', 'server.js')], { env: baseEnv({ VCR_PORT: '65535', ...fullTwilioEnv, VONAGE_APPLICATION_ID: vonageApplicationId, ...extra }) });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      child.once('close', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  test.each([
    ['a 1024-bit RSA key', { VONAGE_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }, 'VONAGE_PRIVATE_KEY is not an RSA private key of at least 2048 bits.'],
    ['an EC key', { VONAGE_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }, 'VONAGE_PRIVATE_KEY is not an RSA private key of at least 2048 bits.'],
    ['VONAGE_PRIVATE_KEY_PATH=/dev/zero', { VONAGE_PRIVATE_KEY_PATH: '/dev/zero' }, 'VONAGE_PRIVATE_KEY_PATH is not a regular file of at most 64 KB.'],
    ['a key path that is a directory', { VONAGE_PRIVATE_KEY_PATH: '/tmp' }, 'VONAGE_PRIVATE_KEY_PATH is not a regular file of at most 64 KB.'],
  ])('%s', async (_name, extra, detail) => {
    const { code, signal, stderr } = await startUp(extra);
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(JSON.parse(stderr.trim())).toMatchObject({ event: 'host_start_failed', code: 'config_invalid', detail });
  });

  test('under twilio-run, /dev/zero answers config_invalid on /vonage-token while /token keeps working', async () => {
    const server = await startTwilioRun({ ...fullTwilioEnv, VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY_PATH: '/dev/zero' });
    try {
      expect(await problem(await fetch(`${server.url}/vonage-token?identity=alice`))).toMatchObject({ status: 500, code: 'config_invalid' });
      expect((await fetch(`${server.url}/token?identity=alice`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
