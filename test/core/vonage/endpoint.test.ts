import crypto from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freezeClockPerTest } from '../../support/clock';
import { callEndpoint } from '../../support/core';
import {
  documentedClientSdkPaths, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys,
} from '../../support/fixtures';
import { verifyVonageToken, without } from '../../support/verify';
import { generateClientTokenClaims, tokenGenerateClaims, vonageVerifySignature } from '../../support/vonage-reference';

const now = new Date('2026-11-21T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

freezeClockPerTest(now);

const defaultAcl = { paths: Object.fromEntries(documentedClientSdkPaths.map((path) => [path, {}])) };

async function tokenClaims(env: Record<string, string>, event: Record<string, unknown>, readAsset?: (path: string) => string | undefined) {
  const response = await callEndpoint('/vonage-token', env, event, {}, readAsset);
  expect(response.statusCode).toBe(200);
  const body = response.json();
  const { header, payload } = await verifyVonageToken(body.token as string, vonageKeys().publicKey);
  return { body, header, payload };
}

describe('/vonage-token kind=client', () => {
  test('mints exactly the Client SDK claims with the documented ACL, verified with jose', async () => {
    const { body, header, payload } = await tokenClaims(vonageEnv(), { identity: 'alice' });

    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({
      application_id: vonageApplicationId,
      iat: nowSeconds,
      exp: nowSeconds + 900,
      jti: expect.stringMatching(uuidV4),
      sub: 'alice',
      acl: defaultAcl,
    });
    expect(body).toEqual({
      token: expect.any(String), identity: 'alice', kind: 'client', ttl: 900,
      expires_at: '2026-11-21T12:15:00.000Z', application_id: vonageApplicationId, acl: documentedClientSdkPaths,
    });
  });

  test('every token has its own jti', async () => {
    const first = await tokenClaims(vonageEnv(), { identity: 'alice' });
    const second = await tokenClaims(vonageEnv(), { identity: 'alice' });
    expect(first.payload.jti).not.toBe(second.payload.jti);
  });

  test('@vonage/jwt verifySignature accepts the token', async () => {
    const { body } = await tokenClaims(vonageEnv(), { identity: 'alice', kind: 'client' });
    expect(vonageVerifySignature(body.token as string, vonageKeys().publicPem)).toBe(true);
  });

  test('claims equal tokenGenerate\'s for the same inputs, minus its stray subject claim', async () => {
    const { payload } = await tokenClaims(vonageEnv(), { identity: 'alice', ttl: '600' });
    const reference = tokenGenerateClaims(vonageApplicationId, vonageKeys().privatePem, {
      subject: 'alice', acl: defaultAcl, ttl: 600,
    }, now.getTime());
    expect(reference.subject).toBe('alice');
    expect(without(payload, 'jti', 'iat')).toEqual(without(reference, 'jti', 'iat', 'subject'));
  });

  test.each([
    ['voice', documentedClientSdkPaths.filter((p) => p !== '/*/image/**' && p !== '/*/media/**')],
    ['messaging', documentedClientSdkPaths.filter((p) => p !== '/*/knocking/**' && p !== '/*/legs/**')],
    ['client-sdk', documentedClientSdkPaths],
  ])('VONAGE_ACL=%s picks that preset', async (preset, paths) => {
    const { body, payload } = await tokenClaims(vonageEnv({ VONAGE_ACL: preset }), { identity: 'alice' });
    expect(body.acl).toEqual(paths);
    expect(payload.acl).toEqual({ paths: Object.fromEntries(paths.map((path) => [path, {}])) });
  });

  test('VONAGE_ACL takes a JSON object of paths with methods and filters', async () => {
    const paths = {
      '/*/conversations/**': { methods: ['GET', 'POST'], filters: { name: 'support' } },
      '/*/sessions/**': {},
    };
    for (const value of [JSON.stringify({ paths }), JSON.stringify(paths)]) {
      const { body, payload } = await tokenClaims(vonageEnv({ VONAGE_ACL: value }), { identity: 'alice' });
      expect(payload.acl).toEqual({ paths });
      expect(body.acl).toEqual(['/*/conversations/**', '/*/sessions/**']);
    }
  });

  test.each([
    ['an unknown preset', 'admin'],
    ['malformed JSON', '{"paths":'],
    ['an empty object', '{}'],
    ['a path without a leading slash', '{"*/users/**":{}}'],
    ['an unknown method', '{"/*/users/**":{"methods":["TRACE"]}}'],
    ['an unknown rule key', '{"/*/users/**":{"allow":true}}'],
    ['an array', '["/*/users/**"]'],
  ])('VONAGE_ACL with %s is config_invalid', async (_name, value) => {
    const response = await callEndpoint('/vonage-token', vonageEnv({ VONAGE_ACL: value }), { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({
      code: 'config_invalid',
      detail: 'VONAGE_ACL is not one of client-sdk, voice, messaging, or a JSON object of ACL paths.',
    });
  });

  test.each([
    ['a string', 'x'],
    ['a JSON object', { paths: { '/**': {} } }],
    ['an empty value in a form', ' '],
  ])('a request carrying acl (%s) is refused: the ACL is the server\'s', async (_name, acl) => {
    const response = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', acl });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      type: 'urn:rtc-token-service:problem:acl_not_allowed', title: 'ACL is set by the server', status: 400,
      detail: 'The ACL is set by the server; remove the acl parameter.', code: 'acl_not_allowed',
    });
  });

  test('uses VONAGE_TOKEN_TTL by default and caps requests at VONAGE_MAX_TTL', async () => {
    const env = vonageEnv({ VONAGE_TOKEN_TTL: '300', VONAGE_MAX_TTL: '3600' });
    expect((await tokenClaims(env, { identity: 'alice' })).payload.exp).toBe(nowSeconds + 300);
    expect((await tokenClaims(env, { identity: 'alice', ttl: '3600' })).payload.exp).toBe(nowSeconds + 3600);
    const over = await callEndpoint('/vonage-token', env, { identity: 'alice', ttl: '3601' });
    expect(over.json()).toMatchObject({ code: 'ttl_invalid', detail: 'ttl must be whole seconds between 60 and 3600.' });
  });
});

describe('/vonage-token kind=video', () => {
  const reference = (options: Record<string, unknown>) =>
    generateClientTokenClaims(vonageApplicationId, vonageKeys().privatePem, videoSessionId, options, now.getTime());

  test('claims equal generateClientToken\'s for the same inputs, with exp in seconds', async () => {
    const { body, payload } = await tokenClaims(vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, ttl: '600' });
    const claims = reference({ role: 'publisher', data: '{"identity":"alice"}', expireTime: nowSeconds + 600 });

    expect(without(payload, 'jti', 'iat')).toEqual(without(claims, 'jti', 'iat'));
    expect(payload).toEqual({
      scope: 'session.connect', session_id: videoSessionId, role: 'publisher', initial_layout_class_list: '',
      connection_data: '{"identity":"alice"}',
      sub: 'video', acl: { paths: { '/session/**': {} } }, application_id: vonageApplicationId,
      iat: nowSeconds, exp: nowSeconds + 600, jti: expect.stringMatching(uuidV4),
    });
    expect(body).toEqual({
      token: expect.any(String), identity: 'alice', kind: 'video', ttl: 600, expires_at: '2026-11-21T12:10:00.000Z',
      application_id: vonageApplicationId, session_id: videoSessionId, role: 'publisher',
    });
    expect(vonageVerifySignature(body.token as string, vonageKeys().publicPem)).toBe(true);
  });

  test('carries a role and the connection data the service writes, as generateClientToken does', async () => {
    const { payload } = await tokenClaims(vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, role: 'subscriber', data: 'name=Alice' });
    const claims = reference({ role: 'subscriber', data: '{"identity":"alice","data":"name=Alice"}', expireTime: nowSeconds + 900 });
    expect(without(payload, 'jti', 'iat')).toEqual(without(claims, 'jti', 'iat'));
    expect(payload.connection_data).toBe('{"identity":"alice","data":"name=Alice"}');
  });

  test('a caller cannot make the connection data claim another identity', async () => {
    const { payload } = await tokenClaims(vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, data: '{"identity":"mallory"}' });
    expect(JSON.parse(payload.connection_data as string)).toEqual({ identity: 'alice', data: '{"identity":"mallory"}' });
  });

  test('the whole connection data, identity included, is at most 1000 characters', async () => {
    const room = 1000 - JSON.stringify({ identity: 'alice', data: '' }).length;
    const { payload } = await tokenClaims(vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, data: 'd'.repeat(room) });
    expect([...(payload.connection_data as string)]).toHaveLength(1000);
    const over = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, data: 'd'.repeat(room + 1) });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ code: 'data_invalid', detail: 'data, with the identity the service adds, must be at most 1000 characters.' });
  });

  test('session_id and room together are param_invalid; neither is session_id_missing', async () => {
    const both = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId, room: 'standup' });
    expect(both.json()).toMatchObject({ code: 'param_invalid', detail: 'Send session_id or room, not both.' });
    const neither = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video' });
    expect(neither.json()).toMatchObject({ code: 'session_id_missing' });
    const badRoom = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video', room: 'stand\u200Bup' });
    expect(badRoom.json()).toMatchObject({ code: 'param_invalid' });
  });

  test('moderator is forbidden unless VONAGE_VIDEO_ROLES lists it', async () => {
    const event = { identity: 'alice', kind: 'video', session_id: videoSessionId, role: 'moderator' };
    const refused = await callEndpoint('/vonage-token', vonageEnv(), event);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'role_forbidden', detail: 'This deployment does not issue moderator tokens.' });

    const { payload } = await tokenClaims(vonageEnv({ VONAGE_VIDEO_ROLES: 'moderator,publisher' }), event);
    expect(payload.role).toBe('moderator');
  });

  test.each([
    ['no session_id', { kind: 'video' }, 400, 'session_id_missing'],
    ['a session_id with spaces', { kind: 'video', session_id: 'a b' }, 400, 'session_id_invalid'],
    ['a repeated session_id', { kind: 'video', session_id: [videoSessionId, videoSessionId] }, 400, 'session_id_invalid'],
    ['an unknown role', { kind: 'video', session_id: videoSessionId, role: 'admin' }, 400, 'role_invalid'],
    ['data over 1000 characters', { kind: 'video', session_id: videoSessionId, data: 'd'.repeat(1001) }, 400, 'data_invalid'],
    ['an unknown kind', { kind: 'sip' }, 400, 'kind_invalid'],
    ['video parameters on a client token', { session_id: videoSessionId }, 400, 'param_invalid'],
    ['no identity', { identity: undefined, kind: 'video', session_id: videoSessionId }, 400, 'identity_missing'],
    ['an identity with whitespace', { identity: 'a b' }, 400, 'identity_invalid'],
    ['a ttl under 60', { ttl: '30' }, 400, 'ttl_invalid'],
  ])('refuses %s', async (_name, event, status, code) => {
    const response = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', ...event });
    expect(response.statusCode).toBe(status);
    expect(response.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(response.json()).toMatchObject({ status, code });
  });
});

describe('/vonage-token private key sources', () => {
  const { privatePem } = vonageKeys();
  const base = { VONAGE_APPLICATION_ID: vonageApplicationId };

  test.each([
    ['VONAGE_PRIVATE_KEY with real newlines', { VONAGE_PRIVATE_KEY: privatePem }],
    ['VONAGE_PRIVATE_KEY with literal \\n escapes', { VONAGE_PRIVATE_KEY: privatePem.replace(/\n/g, '\\n') }],
    ['PRIVATE_KEY, as Vonage Cloud Runtime injects it', { PRIVATE_KEY: privatePem }],
    ['VCR_PRIVATE_KEY, as Vonage Cloud Runtime injects it', { VCR_PRIVATE_KEY: privatePem }],
  ])('%s', async (_name, env) => {
    await tokenClaims({ ...base, ...env }, { identity: 'alice' });
  });

  test.each(['VONAGE_PRIVATE_KEY_FILE', 'VONAGE_PRIVATE_KEY_PATH'])('%s, a file', async (name) => {
    const file = join(mkdtempSync(join(tmpdir(), 'vonage-key-')), 'private.key');
    writeFileSync(file, privatePem, { mode: 0o600 });
    await tokenClaims({ ...base, [name]: file }, { identity: 'alice' });
  });

  test('a key file of your own wins over the key Vonage Cloud Runtime injects', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vonage-key-')), 'private.key');
    writeFileSync(file, privatePem, { mode: 0o600 });
    await tokenClaims({ ...base, VONAGE_PRIVATE_KEY_FILE: file, PRIVATE_KEY: 'not a key' }, { identity: 'alice' });
  });

  test('a private asset at /vonage-private.key, or where VONAGE_PRIVATE_KEY_ASSET says', async () => {
    await tokenClaims(base, { identity: 'alice' }, (path) => (path === '/vonage-private.key' ? privatePem : undefined));
    await tokenClaims({ ...base, VONAGE_PRIVATE_KEY_ASSET: '/keys/app.key' }, { identity: 'alice' }, (path) => (path === '/keys/app.key' ? privatePem : undefined));
  });


  test.each([
    ['API_APPLICATION_ID', { API_APPLICATION_ID: vonageApplicationId }],
    ['VCR_API_APPLICATION_ID', { VCR_API_APPLICATION_ID: vonageApplicationId }],
  ])('the application id falls back to %s', async (_name, env) => {
    const { payload } = await tokenClaims({ VCR_PRIVATE_KEY: privatePem, ...env }, { identity: 'alice' });
    expect(payload.application_id).toBe(vonageApplicationId);
  });
});

describe('/vonage-token configuration problems never show key material', () => {
  const { privatePem } = vonageKeys();
  const keyBody = privatePem.split('\n')[1];

  test('nothing configured: names both the application id and the key sources', async () => {
    const response = await callEndpoint('/vonage-token', {}, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({
      code: 'config_missing',
      detail: 'Set VONAGE_APPLICATION_ID, VONAGE_PRIVATE_KEY (or VONAGE_PRIVATE_KEY_FILE, or the private asset assets/vonage-private.private.key on Twilio) in the environment or .env file.',
    });
  });

  test.each([
    ['VONAGE_PRIVATE_KEY', 'a truncated key', { VONAGE_PRIVATE_KEY: privatePem.slice(0, 400) }, 'VONAGE_PRIVATE_KEY is not a PEM RSA private key.'],
    ['PRIVATE_KEY', 'a public key', { PRIVATE_KEY: vonageKeys().publicPem }, 'PRIVATE_KEY is not a PEM RSA private key.'],
    ['VONAGE_PRIVATE_KEY', 'an EC key', {
      VONAGE_PRIVATE_KEY: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    }, 'VONAGE_PRIVATE_KEY is not an RSA private key of at least 2048 bits.'],
    ['VONAGE_PRIVATE_KEY', 'a 1024-bit RSA key', {
      VONAGE_PRIVATE_KEY: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    }, 'VONAGE_PRIVATE_KEY is not an RSA private key of at least 2048 bits.'],
    ['VONAGE_PRIVATE_KEY_PATH', '/dev/zero', { VONAGE_PRIVATE_KEY_PATH: '/dev/zero' }, 'VONAGE_PRIVATE_KEY_PATH is not a regular file of at most 64 KB.'],
    ['VONAGE_PRIVATE_KEY_PATH', 'a missing file', { VONAGE_PRIVATE_KEY_PATH: '/nonexistent/private.key' }, 'VONAGE_PRIVATE_KEY_PATH is not a readable file.'],
    ['VONAGE_PRIVATE_KEY', 'also in a file', { VONAGE_PRIVATE_KEY: privatePem, VONAGE_PRIVATE_KEY_PATH: '/nonexistent' }, 'Set only one of VONAGE_PRIVATE_KEY, VONAGE_PRIVATE_KEY_PATH.'],
    ['VONAGE_APPLICATION_ID', 'a non-UUID', { VONAGE_PRIVATE_KEY: privatePem, VONAGE_APPLICATION_ID: 'my-app' }, 'VONAGE_APPLICATION_ID is not a Vonage application id (a UUID).'],
    ['VONAGE_VIDEO_ROLES', 'an unknown role', { VONAGE_PRIVATE_KEY: privatePem, VONAGE_VIDEO_ROLES: 'publisher,owner' }, 'VONAGE_VIDEO_ROLES is not a comma-separated list of subscriber, publisher, moderator.'],
  ])('%s with %s → config_invalid', async (_name, _what, env, detail) => {
    const response = await callEndpoint('/vonage-token', { VONAGE_APPLICATION_ID: vonageApplicationId, ...env }, { identity: 'alice' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'config_invalid', detail });
    expect(JSON.stringify(response.json())).not.toContain(keyBody);
    expect(JSON.stringify(response.json())).not.toContain('PRIVATE KEY-----');
  });

  test('a key file that holds no private key is named by the variable that names the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vonage-key-')), 'public.key');
    writeFileSync(file, vonageKeys().publicPem);
    const response = await callEndpoint('/vonage-token', { VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY_FILE: file }, { identity: 'alice' });
    expect(response.json()).toMatchObject({ code: 'config_invalid', detail: 'VONAGE_PRIVATE_KEY_FILE is not a PEM RSA private key.' });
  });

  test('log fields carry identity and kind, never the token or key', async () => {
    const response = await callEndpoint('/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId });
    expect(response.log).toEqual({ outcome: 'issued', identity: 'alice', kind: 'video', ttl: 900, role: 'publisher' });
    expect(JSON.stringify(response.log)).not.toContain(response.json().token as string);
    expect(JSON.stringify(response.log)).not.toContain(keyBody);
  });
});
