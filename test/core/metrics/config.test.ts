import { readMetricsConfig } from '../../../src/core/metrics/config';
import { refusalOf } from '../../support/problem';

describe('readMetricsConfig', () => {
  test('unset, /metrics is off', () => {
    expect(readMetricsConfig({})).toEqual({});
    expect(readMetricsConfig({ METRICS_TOKEN: '  ' })).toEqual({});
  });

  test('reads the token Prometheus must send', () => {
    expect(readMetricsConfig({ METRICS_TOKEN: ' 0123456789abcdef ' })).toEqual({ token: '0123456789abcdef' });
  });

  test.each(['0123456789abcde', 'has a space 0123456789', 'ünicode-0123456789', 'x'.repeat(1025)])('refuses %p, naming the variable only', (value) => {
    expect(refusalOf(() => readMetricsConfig({ METRICS_TOKEN: value }))).toEqual({
      code: 'config_invalid', status: 500,
      detail: 'METRICS_TOKEN is not 16 to 1024 visible ASCII characters, such as the output of openssl rand -hex 32.',
    });
  });
});
