import { demoTwilioEnv } from '../../src/core/config/demo';
import { callEndpoint } from '../support/core';
import { fullTwilioEnv, twilioCredentials, vonageEnv } from '../support/fixtures';

describe('/about', () => {
  test('names the token endpoints set up here and that callers need not authenticate', async () => {
    const answer = await callEndpoint('/about', twilioCredentials, {});
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ endpoints: ['/token', '/accessToken', '/access-token'], auth: 'none', demo: [] });
    expect(answer.headers).toMatchObject({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  });

  test.each([
    [{ AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct-horse-battery' }, 'passcode'],
    [{ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'tokens' }, 'jwt'],
    [{ AUTH_MODE: 'passcode' }, null],
  ])('reports AUTH_MODE (%p → %p), never its secrets', async (auth, mode) => {
    const answer = await callEndpoint('/about', { ...fullTwilioEnv, ...vonageEnv(), ...auth }, {});
    expect(answer.json()).toEqual({ endpoints: ['/token', '/vonage-token', '/accessToken', '/access-token'], auth: mode, demo: [] });
    expect(JSON.stringify(answer.json())).not.toContain('correct-horse-battery');
  });

  test('answers with the CORS headers of ALLOWED_ORIGINS', async () => {
    const env = { ...twilioCredentials, ALLOWED_ORIGINS: 'https://app.example.com' };
    expect((await callEndpoint('/about', env, {}, { origin: 'https://app.example.com' })).headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect((await callEndpoint('/about', env, {}, { origin: 'https://evil.example' })).headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  test('answers a deployment with no vendor set up, which the page then says', async () => {
    expect((await callEndpoint('/about', {}, {})).json()).toEqual({ endpoints: [], auth: 'none', demo: [] });
  });

  test('names the vendors running on npm start\'s demo credentials', async () => {
    const answer = await callEndpoint('/about', { ...demoTwilioEnv(), ...vonageEnv() }, {});
    expect(answer.json()).toMatchObject({ endpoints: ['/token', '/vonage-token', '/accessToken', '/access-token'], demo: ['twilio'] });
  });
});
