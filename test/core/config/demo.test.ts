import { configProblems, loadConfig } from '../../../src/core/config/config';
import { demoTwilioEnv, demoVariables, demoVonageEnv } from '../../../src/core/config/demo';
import { fullTwilioEnv, twilioCredentials, vonageEnv } from '../../support/fixtures';

describe('demo credentials', () => {
  test('are valid configuration, and the configuration says both vendors run on them', () => {
    const config = loadConfig({ ...demoTwilioEnv(), ...demoVonageEnv() });
    expect(configProblems(config)).toEqual([]);
    expect(config.vendors).toEqual(['twilio', 'vonage']);
    expect(config.demo).toEqual(['twilio', 'vonage']);
  });

  test('carry the marker in every SID, the secret and the application id', () => {
    const twilio = demoTwilioEnv();
    expect(twilio.ACCOUNT_SID).toMatch(/^AC0{16}[0-9a-f]{16}$/);
    expect(twilio.API_KEY).toMatch(/^SK0{16}[0-9a-f]{16}$/);
    expect(twilio.API_SECRET).toMatch(/^demo-secret-[0-9a-f]{32}$/);
    expect(twilio.SERVICE_SID).toMatch(/^IS0{16}[0-9a-f]{16}$/);
    expect(twilio.OUTGOING_SID).toMatch(/^AP0{16}[0-9a-f]{16}$/);
    expect(twilio.SYNC_SERVICE_SID).toMatch(/^IS0{16}[0-9a-f]{16}$/);
    expect(demoVonageEnv().VONAGE_APPLICATION_ID).toMatch(/^00000000-0000-4000-8000-[0-9a-f]{12}$/);
    expect(demoVariables(twilio, Object.keys(twilio))).toEqual(Object.keys(twilio));
  });

  test('are fresh for every run', () => {
    const [first, second] = [demoTwilioEnv(), demoTwilioEnv()];
    for (const name of Object.keys(first)) expect(first[name]).not.toBe(second[name]);
    expect(demoVonageEnv().VONAGE_PRIVATE_KEY).not.toBe(demoVonageEnv().VONAGE_PRIVATE_KEY);
  });

  test('real-looking credentials are not demo ones', () => {
    const config = loadConfig({ ...fullTwilioEnv, ...vonageEnv() });
    expect(config.demo).toEqual([]);
    expect(demoVariables({ ...fullTwilioEnv, ...vonageEnv() }, [...Object.keys(fullTwilioEnv), 'VONAGE_APPLICATION_ID'])).toEqual([]);
  });

  test('one demo value copied from a token into a real configuration marks that vendor', () => {
    const { API_KEY } = demoTwilioEnv();
    const config = loadConfig({ ...twilioCredentials, API_KEY, ...vonageEnv() });
    expect(config.demo).toEqual(['twilio']);
    expect(demoVariables({ ...twilioCredentials, API_KEY }, Object.keys(twilioCredentials))).toEqual(['API_KEY']);
  });

  test('names only the vendors that are set up', () => {
    const config = loadConfig(demoVonageEnv());
    expect(config.vendors).toEqual(['vonage']);
    expect(config.demo).toEqual(['vonage']);
  });
});
