import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { errors, exportJWK, JWK, jwtVerify, SignJWT } from 'jose';
import { remoteKeySet } from '../../../src/core/auth/key-set';
import { Problem } from '../../../src/core/problem';
import { freePort } from '../../support/server';

/** A signing key as an identity provider holds it: the private half signs, the public half is published. */
interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function sign(key: SigningKey, sub = 'alice'): Promise<string> {
  return new SignJWT({ sub }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);
}

/** A loopback key set server whose answer each test writes; it counts requests and remembers how each connection ended. */
class KeySetServer {
  requests = 0;
  /** Resolves when the client has closed the connection of the latest request. */
  closed: Promise<void> = Promise.resolve();
  private server?: Server;

  constructor(private answer: (request: IncomingMessage, response: ServerResponse) => void) {}

  get url(): URL {
    return new URL(`http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`);
  }

  serve(answer: (request: IncomingMessage, response: ServerResponse) => void): void {
    this.answer = answer;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.requests += 1;
      this.closed = new Promise((resolve) => response.once('close', resolve));
      this.answer(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    servers.push(this);
    return this;
  }

  async stop(): Promise<void> {
    this.server!.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

const servers: KeySetServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const jwks = (...keys: SigningKey[]) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
};

/** The problem a key lookup rejects with; fails the test if it resolves or rejects with anything else. */
async function problemFrom(lookup: Promise<unknown>): Promise<Problem> {
  const error = await lookup.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

/** A clock the tests move by hand to pass cooldowns. */
function manualClock(start = 1_800_000_000_000) {
  const clock = { time: start, now: () => clock.time, advance: (ms: number) => { clock.time += ms; } };
  return clock;
}

let keyA: SigningKey;
let keyB: SigningKey;
beforeAll(async () => {
  [keyA, keyB] = await Promise.all([signingKey('key-a'), signingKey('key-b')]);
});

describe('a key set server that answers', () => {
  test('verifies a token signed with a published key, with the claims the provider signed', async () => {
    const server = await new KeySetServer(jwks(keyA)).start();
    const { payload, protectedHeader } = await jwtVerify(await sign(keyA), remoteKeySet({ url: server.url }), { algorithms: ['ES256'] });
    expect(payload.sub).toBe('alice');
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'key-a' });
    expect(server.requests).toBe(1);
  });

  test('fetches once for concurrent lookups and then serves from its cache', async () => {
    const server = await new KeySetServer((request, response) => setTimeout(() => jwks(keyA)(request, response), 200)).start();
    const keys = remoteKeySet({ url: server.url });
    const token = await sign(keyA);
    const results = await Promise.all([1, 2, 3].map(() => jwtVerify(token, keys)));
    expect(results.map(({ payload }) => payload.sub)).toEqual(['alice', 'alice', 'alice']);
    await jwtVerify(token, keys);
    expect(server.requests).toBe(1);
  });

  test('a token signed with a key the set does not hold fails jose\'s signature check, not the fetch', async () => {
    const server = await new KeySetServer(jwks(keyA)).start();
    const forged = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'ES256', kid: 'key-a' }).setExpirationTime('5m').sign(keyB.privateKey);
    await expect(jwtVerify(forged, remoteKeySet({ url: server.url }))).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });
});

describe('a key set server that misbehaves', () => {
  const timeoutMs = 300;

  test('trickles the body after prompt headers: auth_unavailable at the deadline, the connection closed after the first byte', async () => {
    let bytesSent = 0;
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      const trickle = () => { response.write(' '); bytesSent += 1; };
      trickle();
      const timer = setInterval(trickle, 2000);
      response.once('close', () => clearInterval(timer));
    }).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.status).toBe(503);
    expect(problem.message).toBe('The identity provider\'s key set could not be fetched (no complete answer within 300 ms); try again shortly.');
    expect(problem.headers).toEqual({ 'Retry-After': '30' });
    await server.closed;
    // The next byte was due 2 s after the first: the deadline, not the trickle, ended the exchange.
    expect(bytesSent).toBe(1);
  });

  test('accepts the request and never answers: auth_unavailable, and the connection is closed', async () => {
    const server = await new KeySetServer(() => undefined).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toContain('(no complete answer within 300 ms)');
    await server.closed;
    expect(server.requests).toBe(1);
  });

  test('declares a body over maxBytes: auth_unavailable before reading it', async () => {
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * 1024) });
      response.write('{"keys":[');
    }).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs: 5000 })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toBe('The identity provider\'s key set could not be fetched (the answer is over 524288 bytes); try again shortly.');
    await server.closed;
  });

  test('streams a body over maxBytes without Content-Length: auth_unavailable once the count passes the limit', async () => {
    let bytesSent = 0;
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys":[');
      // Endless padding, written as fast as the client reads it.
      const pad = Buffer.alloc(16 * 1024, 0x20);
      const body = new Readable({ read() { bytesSent += pad.length; this.push(pad); } });
      body.pipe(response);
      response.once('close', () => body.destroy());
    }).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs: 5000, maxBytes: 64 * 1024 })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toContain('(the answer is over 65536 bytes)');
    await server.closed;
    expect(bytesSent).toBeLessThan(10 * 1024 * 1024);
  });

  test('offers a 300 MB key set: auth_unavailable, and resident memory does not grow with it', async () => {
    const total = 300 * 1024 * 1024;
    let bytesSent = 0;
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Generated as it is read, so the server's own memory stays flat too.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const body = new Readable({
        read() {
          if (bytesSent >= total) return void this.push(null);
          bytesSent += chunk.length;
          this.push(chunk);
        },
      });
      body.pipe(response);
      response.once('close', () => body.destroy());
    }).start();
    const rssBefore = process.memoryUsage().rss;
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url })));
    await server.closed;
    const growth = process.memoryUsage().rss - rssBefore;
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toContain('(the answer is over 524288 bytes)');
    expect(bytesSent).toBeLessThan(total);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });

  test('refuses connections: auth_unavailable naming the system error', async () => {
    const url = new URL(`http://127.0.0.1:${await freePort()}/.well-known/jwks.json`);
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url, timeoutMs })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toBe('The identity provider\'s key set could not be fetched (the connection failed: ECONNREFUSED); try again shortly.');
  });

  test.each([
    ['answers 500', 500, '{"keys":[]}', '(status 500)'],
    ['redirects', 302, '', '(status 302)'],
    ['answers with HTML', 200, '<html>login</html>', '(the answer is not JSON)'],
    ['answers with bytes that are not UTF-8', 200, Buffer.from([0x7b, 0xff, 0x7d]), '(the answer is not JSON)'],
    ['answers JSON without keys', 200, '{"issuer":"https://idp.example.test/"}', '(the answer is not a JSON Web Key Set)'],
    ['answers keys that are not objects', 200, '{"keys":["key-a"]}', '(the answer is not a JSON Web Key Set)'],
  ])('%s: auth_unavailable', async (_name, status, body, reason) => {
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json', location: '/elsewhere' }).end(body);
    }).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs })));
    expect(problem.code).toBe('auth_unavailable');
    expect(problem.message).toContain(reason);
    expect(server.requests).toBe(1);
  });

  test('never puts the URL or the body in the problem', async () => {
    const server = await new KeySetServer((_request, response) => {
      response.writeHead(500).end('secret-internal-page');
    }).start();
    const problem = await problemFrom(jwtVerify(await sign(keyA), remoteKeySet({ url: server.url, timeoutMs })));
    const everything = JSON.stringify({ body: problem.toBody(), headers: problem.headers });
    expect(everything).not.toContain('secret-internal-page');
    expect(everything).not.toContain('127.0.0.1');
    expect(everything).not.toContain('jwks.json');
  });
});

describe('after a failed fetch', () => {
  test('without a good set, fails fast for the cooldown with no network call, then fetches again', async () => {
    const clock = manualClock();
    const server = await new KeySetServer((_request, response) => response.writeHead(500).end()).start();
    const keys = remoteKeySet({ url: server.url, timeoutMs: 300, cooldownMs: 30_000, now: clock.now });
    const token = await sign(keyA);

    expect((await problemFrom(jwtVerify(token, keys))).code).toBe('auth_unavailable');
    expect(server.requests).toBe(1);

    clock.advance(20_000);
    const fast = await problemFrom(jwtVerify(token, keys));
    expect(fast.code).toBe('auth_unavailable');
    expect(fast.message).toBe('The identity provider\'s key set could not be fetched (status 500); try again shortly.');
    expect(fast.headers).toEqual({ 'Retry-After': '10' });
    expect(server.requests).toBe(1);

    server.serve(jwks(keyA));
    clock.advance(10_000);
    expect((await jwtVerify(token, keys)).payload.sub).toBe('alice');
    expect(server.requests).toBe(2);
  });

  test('with a good set that has gone stale, keeps verifying with it and asks again only after the cooldown', async () => {
    const clock = manualClock();
    const server = await new KeySetServer(jwks(keyA)).start();
    const keys = remoteKeySet({ url: server.url, timeoutMs: 300, cooldownMs: 30_000, cacheMaxAgeMs: 600_000, now: clock.now });
    const token = await sign(keyA);
    await jwtVerify(token, keys);
    expect(server.requests).toBe(1);

    server.serve(() => undefined);
    clock.advance(600_000);
    expect((await jwtVerify(token, keys)).payload.sub).toBe('alice');
    expect(server.requests).toBe(2);

    clock.advance(29_000);
    expect((await jwtVerify(token, keys)).payload.sub).toBe('alice');
    expect(server.requests).toBe(2);

    server.serve(jwks(keyA));
    clock.advance(1_000);
    expect((await jwtVerify(token, keys)).payload.sub).toBe('alice');
    expect(server.requests).toBe(3);
  });

  test('with a good set, a token naming an unknown key is auth_unavailable for the cooldown (its key may be new), a known key still verifies', async () => {
    const clock = manualClock();
    const server = await new KeySetServer(jwks(keyA)).start();
    const keys = remoteKeySet({ url: server.url, timeoutMs: 300, cooldownMs: 30_000, now: clock.now });
    await jwtVerify(await sign(keyA), keys);

    server.serve((_request, response) => response.writeHead(503).end());
    clock.advance(30_000);
    expect((await problemFrom(jwtVerify(await sign(keyB), keys))).message).toContain('(status 503)');
    expect(server.requests).toBe(2);

    clock.advance(5_000);
    expect((await problemFrom(jwtVerify(await sign(keyB), keys))).headers).toEqual({ 'Retry-After': '25' });
    expect((await jwtVerify(await sign(keyA, 'bob'), keys)).payload.sub).toBe('bob');
    expect(server.requests).toBe(2);
  });
});

describe('key rotation', () => {
  test('refetches for a key id the cached set lacks, at most once per cooldown', async () => {
    const clock = manualClock();
    const server = await new KeySetServer(jwks(keyA)).start();
    const keys = remoteKeySet({ url: server.url, cooldownMs: 30_000, now: clock.now });
    await jwtVerify(await sign(keyA), keys);
    expect(server.requests).toBe(1);

    // The provider rotates key-b in; a token signed with it arrives after the cooldown.
    server.serve(jwks(keyA, keyB));
    clock.advance(30_000);
    expect((await jwtVerify(await sign(keyB, 'bob'), keys)).payload.sub).toBe('bob');
    expect(server.requests).toBe(2);

    // Made-up key ids right after do not reach the provider.
    const unknown = await signingKey('key-unknown');
    await expect(jwtVerify(await sign(unknown), keys)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.requests).toBe(2);

    clock.advance(30_000);
    await expect(jwtVerify(await sign(unknown), keys)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.requests).toBe(3);
  });

  test('a new key id within the cooldown of the first fetch is not fetched for', async () => {
    const clock = manualClock();
    const server = await new KeySetServer(jwks(keyA)).start();
    const keys = remoteKeySet({ url: server.url, cooldownMs: 30_000, now: clock.now });
    await jwtVerify(await sign(keyA), keys);
    server.serve(jwks(keyA, keyB));
    clock.advance(29_000);
    await expect(jwtVerify(await sign(keyB), keys)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.requests).toBe(1);
  });

  test('refetches a set older than cacheMaxAgeMs, so a withdrawn key stops verifying', async () => {
    const clock = manualClock();
    const server = await new KeySetServer(jwks(keyA, keyB)).start();
    const keys = remoteKeySet({ url: server.url, cacheMaxAgeMs: 600_000, now: clock.now });
    const tokenB = await sign(keyB);
    await jwtVerify(tokenB, keys);

    server.serve(jwks(keyA));
    clock.advance(599_000);
    await jwtVerify(tokenB, keys);
    expect(server.requests).toBe(1);

    clock.advance(1_000);
    await expect(jwtVerify(tokenB, keys)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(server.requests).toBe(2);
  });
});
