import { configProblems, loadConfig, use } from '../../../src/core/config/config';
import { Problem } from '../../../src/core/problem';
import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../../support/fixtures';

describe('loadConfig', () => {
  test('validates every part once into one frozen object', () => {
    const config = loadConfig({ ...fullTwilioEnv, ...vonageEnv(), ALLOWED_ORIGINS: 'https://app.example' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.vendors).toEqual(['twilio', 'vonage']);
    expect(use(config.cors)).toEqual(new Set(['https://app.example']));
    expect(use(config.auth)).toEqual({ mode: 'none' });
    expect(use(config.twilio).accountSid).toBe(twilioCredentials.ACCOUNT_SID);
    expect(use(config.vonage).publicKey.export({ type: 'spki', format: 'pem' })).toBe(vonageKeys().publicPem);
    expect(configProblems(config)).toEqual([]);
  });

  test('never throws: a part that cannot load holds the problem its requests answer', () => {
    const config = loadConfig({ ...twilioCredentials, TOKEN_TTL: 'soon', AUTH_MODE: 'sometimes' });
    expect(config.twilio).toBeInstanceOf(Problem);
    expect(() => use(config.twilio)).toThrow('TOKEN_TTL is not a whole number of seconds between 60 and 86400.');
    expect(configProblems(config).map((problem) => [problem.code, problem.message])).toEqual([
      ['config_invalid', 'AUTH_MODE is not none, passcode, jwt, vonage.'],
      ['config_invalid', 'TOKEN_TTL is not a whole number of seconds between 60 and 86400.'],
    ]);
  });

  test('a vendor nobody set up is no problem for the deployment; its endpoint answers config_missing', () => {
    const config = loadConfig(twilioCredentials);
    expect(config.vendors).toEqual(['twilio']);
    expect(configProblems(config)).toEqual([]);
    expect(config.vonage).toMatchObject({ code: 'config_missing' });
  });

  test('a vendor set up halfway is a problem that names what is missing', () => {
    const config = loadConfig({ ACCOUNT_SID: twilioCredentials.ACCOUNT_SID });
    expect(configProblems(config).map((problem) => problem.message)).toEqual(['Set API_KEY, API_SECRET in the environment or .env file.']);
  });

  test('a Vonage key present only as a private asset sets the vendor up', () => {
    const config = loadConfig({}, (path) => (path === '/vonage-private.key' ? vonageKeys().privatePem : undefined));
    expect(config.vendors).toEqual(['vonage']);
    expect(configProblems(config).map((problem) => problem.code)).toEqual(['config_missing']);
  });

  test('AUTH_MODE=vonage verifies with the Vonage key, and fails with the Vonage configuration', () => {
    const config = loadConfig({ ...vonageEnv(), AUTH_MODE: 'vonage', AUTH_AUDIENCE: 'https://tokens.example.com' });
    expect(use(config.auth)).toMatchObject({ mode: 'vonage', publicKey: use(config.vonage).publicKey, audience: 'https://tokens.example.com' });
    expect(loadConfig({ AUTH_MODE: 'vonage', AUTH_AUDIENCE: 'x' }).auth).toMatchObject({ code: 'config_missing' });
    expect(loadConfig({ ...vonageEnv(), AUTH_MODE: 'vonage' }).auth).toMatchObject({ code: 'config_missing', message: 'Set AUTH_AUDIENCE in the environment or .env file.' });
  });

  test('keeps nothing between loads: each configuration stands alone', () => {
    const short = loadConfig({ ...twilioCredentials, TOKEN_TTL: '600' });
    const long = loadConfig({ ...twilioCredentials, TOKEN_TTL: '1200' });
    expect(use(short.twilio).ttl.defaultTtl).toBe(600);
    expect(use(long.twilio).ttl.defaultTtl).toBe(1200);
  });
});
