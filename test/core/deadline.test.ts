import { Deadline, readUpstreamBudget } from '../../src/core/deadline';
import { problemOf } from '../support/problem';

describe('readUpstreamBudget', () => {
  test('8 s unless UPSTREAM_BUDGET_MS says otherwise: under Twilio Functions\' 10 s limit', () => {
    expect(readUpstreamBudget({})).toBe(8000);
    expect(readUpstreamBudget({ UPSTREAM_BUDGET_MS: '100' })).toBe(100);
    expect(readUpstreamBudget({ UPSTREAM_BUDGET_MS: '25000' })).toBe(25000);
  });

  test.each(['99', '25001', '30000', '8s', '-1', '1e4'])('refuses %s, naming the variable', (value) => {
    expect(problemOf(() => readUpstreamBudget({ UPSTREAM_BUDGET_MS: value }))).toMatchObject({
      code: 'config_invalid', message: 'UPSTREAM_BUDGET_MS is not a whole number of milliseconds between 100 and 25000.',
    });
  });
});

describe('Deadline', () => {
  test('a spent budget is upstream_unavailable with Retry-After before any call is made', () => {
    const spent = new Deadline(100, undefined, performance.now() - 200);
    expect(problemOf(() => spent.signalFor(5000))).toMatchObject({
      code: 'upstream_unavailable', status: 503, headers: { 'Retry-After': '5' },
      message: 'The vendor did not answer within the time this request allows (UPSTREAM_BUDGET_MS).',
    });
  });

  test('a call\'s signal aborts when the client leaves, and nothing may be minted after', () => {
    const client = new AbortController();
    const deadline = new Deadline(8000, client);
    const signal = deadline.signalFor(5000);
    expect(() => deadline.ensureClientWaiting()).not.toThrow();
    client.abort();
    expect(signal.aborted).toBe(true);
    expect(() => deadline.ensureClientWaiting()).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});
