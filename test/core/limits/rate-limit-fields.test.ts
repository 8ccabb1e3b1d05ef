import { rateLimitHeaders, refusalHeaders, statusOf } from '../../../src/core/limits/rate-limit-fields';

describe('RateLimit header fields', () => {
  test('a status names the policy and where the request stands in it', () => {
    expect(statusOf('ip', 120, 60, 119, 60_000)).toEqual({ policy: '"ip";q=120;w=60', rateLimit: '"ip";r=119;t=60', resetSeconds: 60 });
  });

  test('rounds the reset up to whole seconds, and never below 1', () => {
    expect(statusOf('ip', 120, 60, 0, 16_001).rateLimit).toBe('"ip";r=0;t=17');
    expect(statusOf('ip', 120, 60, 0, 17_000).rateLimit).toBe('"ip";r=0;t=17');
    expect(statusOf('ip', 120, 60, 0, 1).resetSeconds).toBe(1);
    expect(statusOf('ip', 120, 60, 0, 0).resetSeconds).toBe(1);
  });

  test('lists every limit that applied in one field each, and nothing when none did', () => {
    const ip = statusOf('ip', 120, 60, 119, 60_000);
    const identity = statusOf('identity', 30, 60, 12, 41_500);
    expect(rateLimitHeaders([ip, undefined, identity])).toEqual({
      'RateLimit-Policy': '"ip";q=120;w=60, "identity";q=30;w=60',
      RateLimit: '"ip";r=119;t=60, "identity";r=12;t=42',
    });
    expect(rateLimitHeaders([undefined])).toEqual({});
  });

  test('a refusal carries Retry-After equal to the reset', () => {
    expect(refusalHeaders(statusOf('auth-failures', 10, 900, 0, 839_200))).toEqual({
      'Retry-After': '840',
      'RateLimit-Policy': '"auth-failures";q=10;w=900',
      RateLimit: '"auth-failures";r=0;t=840',
    });
  });
});
