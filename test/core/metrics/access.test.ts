import { checkMetricsAccess } from '../../../src/core/metrics/access';
import { refusalOf } from '../../support/problem';

const token = 'scrape-token-4b1f0c9e8d7a6b5c';

describe('checkMetricsAccess', () => {
  test('lets the configured bearer token through, the scheme in any case', () => {
    expect(checkMetricsAccess({ authorization: `Bearer ${token}` }, token)).toBeUndefined();
    expect(checkMetricsAccess({ authorization: `bearer ${token}` }, token)).toBeUndefined();
  });

  test.each([
    ['no Authorization header', {}],
    ['Basic credentials', { authorization: 'Basic cHJvbWV0aGV1czpzZWNyZXQ=' }],
  ])('%s → auth_required with a bare challenge', (_what, headers) => {
    expect(refusalOf(() => checkMetricsAccess(headers, token))).toEqual({
      code: 'auth_required', status: 401, detail: 'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.',
      headers: { 'WWW-Authenticate': 'Bearer realm="rtc-token-service"' },
    });
  });

  test.each([`${token}x`, token.slice(0, -1), token.toUpperCase(), 'x'])('a wrong token (%p) → auth_invalid, not repeated', (presented) => {
    expect(refusalOf(() => checkMetricsAccess({ authorization: `Bearer ${presented}` }, token))).toEqual({
      code: 'auth_invalid', status: 401, detail: 'The metrics token is not correct.',
      headers: { 'WWW-Authenticate': 'Bearer realm="rtc-token-service", error="invalid_token"' },
    });
  });

  test('a malformed bearer header → auth_invalid', () => {
    expect(refusalOf(() => checkMetricsAccess({ authorization: `Bearer ${token} extra` }, token)).code).toBe('auth_invalid');
  });
});
