import { problemOf as thrownBy } from '../../support/problem';
import { readVonageUpstreamConfig } from '../../../src/core/vonage/upstream-config';

const problemOf = (env: Record<string, string>) => thrownBy(() => readVonageUpstreamConfig(env));

const hostRule = 'an https URL (http only for localhost) without credentials, query or fragment';

describe('readVonageUpstreamConfig', () => {
  test('defaults: routed media, rooms kept a day, no user provisioning, Vonage\'s own hosts, 5 s deadline', () => {
    expect(readVonageUpstreamConfig({})).toStrictEqual({
      mediaMode: 'routed', roomTtlSeconds: 86400, userProvision: false, videoHost: undefined, apiHost: undefined, timeoutMs: 5000,
    });
  });

  test('reads every variable', () => {
    expect(readVonageUpstreamConfig({
      VONAGE_VIDEO_MEDIA_MODE: 'Relayed', VONAGE_ROOM_TTL: '3600', VONAGE_USER_PROVISION: 'true',
      VONAGE_VIDEO_HOST: 'https://video.staging.example.com/', VONAGE_API_HOST: 'http://127.0.0.1:4010',
    })).toStrictEqual({
      mediaMode: 'relayed', roomTtlSeconds: 3600, userProvision: true,
      videoHost: 'https://video.staging.example.com', apiHost: 'http://127.0.0.1:4010', timeoutMs: 5000,
    });
  });

  test('refuses a media mode other than routed or relayed', () => {
    const problem = problemOf({ VONAGE_VIDEO_MEDIA_MODE: 'p2p' });
    expect(problem.code).toBe('config_invalid');
    expect(problem.message).toBe('VONAGE_VIDEO_MEDIA_MODE is not routed or relayed.');
  });

  test.each(['59', '604801', '1h'])('refuses VONAGE_ROOM_TTL=%s: whole seconds from 60 to 604800', (ttl) => {
    const problem = problemOf({ VONAGE_ROOM_TTL: ttl });
    expect(problem.code).toBe('config_invalid');
    expect(problem.message).toBe('VONAGE_ROOM_TTL is not a whole number of seconds between 60 and 604800.');
  });

  test('accepts the room TTL bounds', () => {
    expect(readVonageUpstreamConfig({ VONAGE_ROOM_TTL: '60' }).roomTtlSeconds).toBe(60);
    expect(readVonageUpstreamConfig({ VONAGE_ROOM_TTL: '604800' }).roomTtlSeconds).toBe(604800);
  });

  test('refuses a VONAGE_USER_PROVISION that is not a boolean', () => {
    expect(problemOf({ VONAGE_USER_PROVISION: 'yes' }).message).toBe('VONAGE_USER_PROVISION is not true or false.');
  });

  test.each(['http://localhost:3000/base/', 'http://[::1]:8080', 'https://api-eu.vonage.com'])('accepts the host %s', (host) => {
    expect(readVonageUpstreamConfig({ VONAGE_API_HOST: host }).apiHost).toBe(host.replace(/\/$/, ''));
  });

  test.each([
    'http://api.nexmo.com', 'http://127.0.0.1.example.com', 'ftp://127.0.0.1', 'https://user:secret@api.nexmo.com',
    'https://api.nexmo.com?key=secret', 'https://api.nexmo.com/#x', 'api.nexmo.com',
  ])('refuses the host %s without quoting it', (host) => {
    for (const name of ['VONAGE_VIDEO_HOST', 'VONAGE_API_HOST']) {
      const problem = problemOf({ [name]: host });
      expect(problem.code).toBe('config_invalid');
      expect(problem.message).toBe(`${name} is not ${hostRule}.`);
    }
  });
});
