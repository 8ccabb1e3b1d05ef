import { readLimitsConfig } from '../../../src/core/limits/config';

describe('readLimitsConfig', () => {
  test('defaults: 30 tokens per identity and 120 requests per address a minute, 10 failures per 15 minutes, 20 creations per address and 10 per identity a minute, no proxy', () => {
    expect(readLimitsConfig({})).toEqual({
      identityPerMinute: 30, ipPerMinute: 120, authFailuresPer15Min: 10, createIpPerMinute: 20, createIdentityPerMinute: 10, trustProxy: 0,
    });
  });

  test('reads each variable, 0 included', () => {
    expect(readLimitsConfig({
      RATE_LIMIT_IDENTITY: '5', RATE_LIMIT_IP: '0', RATE_LIMIT_AUTH_FAILURES: ' 3 ', RATE_LIMIT_CREATE_IP: '4', RATE_LIMIT_CREATE_IDENTITY: '0', TRUST_PROXY: '2',
    })).toEqual({ identityPerMinute: 5, ipPerMinute: 0, authFailuresPer15Min: 3, createIpPerMinute: 4, createIdentityPerMinute: 0, trustProxy: 2 });
  });

  test('a blank variable keeps the default', () => {
    expect(readLimitsConfig({ RATE_LIMIT_IP: '' }).ipPerMinute).toBe(120);
  });

  test.each(['-1', '1.5', 'ten', '1e3', '1000001'])('refuses RATE_LIMIT_IP=%p', (value) => {
    expect(() => readLimitsConfig({ RATE_LIMIT_IP: value }))
      .toThrow(expect.objectContaining({ code: 'config_invalid', message: 'RATE_LIMIT_IP is not a whole number from 0 to 1000000 (0 turns the limit off).' }));
  });

  test('names the variable it refuses', () => {
    expect(() => readLimitsConfig({ RATE_LIMIT_AUTH_FAILURES: 'many' }))
      .toThrow('RATE_LIMIT_AUTH_FAILURES is not a whole number from 0 to 1000000 (0 turns the limit off).');
    expect(() => readLimitsConfig({ RATE_LIMIT_IDENTITY: '-5' }))
      .toThrow('RATE_LIMIT_IDENTITY is not a whole number from 0 to 1000000 (0 turns the limit off).');
  });

  test.each(['11', 'yes', '-1'])('refuses TRUST_PROXY=%p', (value) => {
    expect(() => readLimitsConfig({ TRUST_PROXY: value }))
      .toThrow(expect.objectContaining({ code: 'config_invalid', message: 'TRUST_PROXY is not a whole number from 0 to 10 (the number of proxy hops to trust).' }));
  });
});
