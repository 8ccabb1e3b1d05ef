import { Problem, problemCodes, problemEntry } from '../../src/core/problem';
import { problemReply } from '../../src/core/reply';

describe('Problem', () => {
  test('every 503 code carries Retry-After, whichever site throws it', () => {
    const unavailable = problemCodes.filter((code) => problemEntry(code).status === 503);
    expect(unavailable).toEqual(['auth_unavailable', 'overloaded', 'state_unavailable', 'upstream_unavailable']);
    expect(Object.fromEntries(unavailable.map((code) => [code, new Problem(code, 'Down.').headers]))).toEqual({
      auth_unavailable: { 'Retry-After': '5' },
      overloaded: { 'Retry-After': '1' },
      state_unavailable: { 'Retry-After': '5' },
      upstream_unavailable: { 'Retry-After': '5' },
    });
  });

  test('a site that knows the wait overrides the code default', () => {
    expect(new Problem('auth_unavailable', 'Cooling down.', { 'Retry-After': '25' }).headers).toEqual({ 'Retry-After': '25' });
  });

  test('codes of other statuses carry no Retry-After of their own', () => {
    const others = problemCodes.filter((code) => problemEntry(code).status !== 503);
    expect(others.filter((code) => 'Retry-After' in new Problem(code, 'No.').headers)).toEqual([]);
  });

  test('the answer carries the wait with the problem+json body', () => {
    const reply = problemReply(new Problem('state_unavailable', 'The shared state store is closed.'), { Vary: 'Origin' });
    expect(reply).toEqual({
      status: 503,
      headers: {
        Vary: 'Origin', 'Retry-After': '5', 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json; charset=utf-8',
      },
      body: {
        type: 'urn:rtc-token-service:problem:state_unavailable', title: 'Shared state is unavailable', status: 503,
        detail: 'The shared state store is closed.', code: 'state_unavailable',
      },
    });
  });
});
