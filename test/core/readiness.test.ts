import crypto from 'node:crypto';
import { loadConfig, ReadAsset } from '../../src/core/config/config';
import { VonageConfig } from '../../src/core/vonage/config';
import { createReadiness } from '../../src/core/readiness';
import { startService } from '../../src/core/service';
import { callEndpoint } from '../support/core';
import { fullTwilioEnv, twilioCredentials, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';

/** One readiness check of a freshly loaded configuration. */
function checkReadiness({ env, readPrivateAsset }: { env: Record<string, string>; readPrivateAsset?: ReadAsset }) {
  return createReadiness(startService(loadConfig(env, readPrivateAsset)))();
}

const problemHeaders = { 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json; charset=utf-8' };

describe('createReadiness', () => {
  test('mints a Twilio token and verifies a Vonage signature for the vendors configured', async () => {
    expect(await checkReadiness({ env: { ...fullTwilioEnv, ...vonageEnv() } })).toEqual({
      status: 200,
      headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8' },
      body: { status: 'ready', checks: { twilio: 'ok', vonage: 'ok', state: 'ok' } },
    });
  });

  test('checks only the vendors that have any variable set', async () => {
    expect((await checkReadiness({ env: twilioCredentials })).body).toEqual({ status: 'ready', checks: { twilio: 'ok', state: 'ok' } });
    expect((await checkReadiness({ env: vonageEnv() })).body).toEqual({ status: 'ready', checks: { vonage: 'ok', state: 'ok' } });
  });

  test('reads the Vonage key the way /vonage-token does: from the variables Vonage Cloud Runtime injects', async () => {
    const env = { VCR_API_APPLICATION_ID: vonageApplicationId, VCR_PRIVATE_KEY: vonageKeys().privatePem };
    expect((await checkReadiness({ env })).body).toEqual({ status: 'ready', checks: { vonage: 'ok', state: 'ok' } });
  });

  test('counts a Vonage key present only as a private asset as configured', async () => {
    const readPrivateAsset = (path: string) => (path === '/vonage-private.key' ? vonageKeys().privatePem : undefined);
    const reply = await checkReadiness({ env: {}, readPrivateAsset });
    expect(reply).toMatchObject({ status: 503, body: { code: 'config_missing', status: 503 } });
    expect((reply.body as { detail: string }).detail).toContain('VONAGE_APPLICATION_ID');
  });

  test('a broken configuration answers 503 with its problem, the body status matching', async () => {
    expect(await checkReadiness({ env: { ...twilioCredentials, ACCOUNT_SID: 'ACnot-a-sid' } })).toEqual({
      status: 503,
      headers: problemHeaders,
      body: {
        type: 'urn:rtc-token-service:problem:config_invalid',
        title: 'Configuration is not valid',
        status: 503,
        detail: 'ACCOUNT_SID is not an Account SID (AC followed by 32 hex characters).',
        code: 'config_invalid',
      },
    });
  });

  test('one vendor broken makes the whole deployment not ready', async () => {
    const reply = await checkReadiness({ env: { ...fullTwilioEnv, VONAGE_ACL: 'everything' } });
    expect(reply).toMatchObject({ status: 503, body: { code: 'config_missing', status: 503 } });
  });

  test('a broken ALLOWED_ORIGINS is not ready: every token answer would fail', async () => {
    const reply = await checkReadiness({ env: { ...fullTwilioEnv, ALLOWED_ORIGINS: 'app.example.com' } });
    expect(reply).toMatchObject({ status: 503, body: { code: 'config_invalid' } });
  });

  test('nothing configured is not ready', async () => {
    expect(await checkReadiness({ env: {} })).toEqual({
      status: 503,
      headers: problemHeaders,
      body: {
        type: 'urn:rtc-token-service:problem:config_missing',
        title: 'Configuration is missing',
        status: 503,
        detail: 'Set ACCOUNT_SID, API_KEY and API_SECRET for /token, or VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY for /vonage-token.',
        code: 'config_missing',
      },
    });
  });

  test('no answer carries a secret', async () => {
    const env = { ...twilioCredentials, ...vonageEnv({ VONAGE_APPLICATION_ID: 'not-a-uuid' }) };
    const text = JSON.stringify(await checkReadiness({ env }));
    expect(text).not.toContain(twilioCredentials.API_SECRET);
    expect(text).not.toContain('not-a-uuid');
    expect(text).not.toContain('PRIVATE KEY-----');
  });

  test.each([
    ['AUTH_MODE=jwt without a key source', { AUTH_MODE: 'jwt' }],
    ['a passcode that is too short', { AUTH_MODE: 'passcode', AUTH_PASSCODE: 'short' }],
    ['AUTH_JWKS_URL without AUTH_ISSUER', { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_AUDIENCE: 'app' }],
  ])('answers the same problem a token request gets: %s', async (_name, auth) => {
    const env = { ...fullTwilioEnv, ...auth };
    const token = await callEndpoint('/token', env, { identity: 'alice' });
    const reply = await checkReadiness({ env });
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({ ...token.json(), status: 503 });
    expect(token.json()).toMatchObject({ code: expect.stringMatching(/^config_(missing|invalid)$/) });
  });
});

afterEach(() => jest.restoreAllMocks());

describe('readiness signs outside the signing queue, once it has passed', () => {
  test('repeated and concurrent calls after a pass make no signature and never queue for one', async () => {
    const config = loadConfig(vonageEnv());
    const queued = jest.spyOn((config.vonage as VonageConfig).signing, 'run');
    const signatures = jest.spyOn(crypto, 'sign');
    const ready = createReadiness(startService(config));

    const replies = await Promise.all(Array.from({ length: 20 }, () => ready()));
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    await ready();
    expect(signatures).toHaveBeenCalledTimes(1);
    expect(queued).not.toHaveBeenCalled();
  });

  test('a failed check is not kept: the next call checks again', async () => {
    const signatures = jest.spyOn(crypto, 'sign').mockImplementationOnce(() => {
      throw new Error('the key cannot sign');
    });
    const ready = createReadiness(startService(loadConfig(vonageEnv())));
    expect(await ready()).toMatchObject({ status: 503, body: { code: 'config_invalid', detail: 'VONAGE_PRIVATE_KEY is not a key that signs verifiable tokens.' } });
    expect((await ready()).status).toBe(200);
    expect(signatures).toHaveBeenCalledTimes(2);
  });

  test('a broken configuration is answered without signing anything', async () => {
    const config = loadConfig({ ...vonageEnv(), ALLOWED_ORIGINS: 'not an origin' });
    const signatures = jest.spyOn(crypto, 'sign');
    expect((await createReadiness(startService(config))()).status).toBe(503);
    expect(signatures).not.toHaveBeenCalled();
  });
});
