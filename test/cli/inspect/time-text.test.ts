import { isoTime, relativeTime, span } from '../../../src/cli/inspect/time-text';

describe('span', () => {
  test.each([
    [0, '0 s'], [59, '59 s'], [60, '1 min'], [14 * 60 + 59, '14 min'], [3599, '59 min'], [3600, '1 h'],
    [3 * 3600 + 59 * 60, '3 h'], [47 * 3600, '47 h'], [48 * 3600, '2 d'], [31 * 86400, '31 d'], [-200, '3 min'],
  ])('%i seconds is "%s", rounded down to the largest whole unit', (seconds, text) => {
    expect(span(seconds)).toBe(text);
  });
});

describe('relativeTime', () => {
  const now = 1_795_442_400;
  test.each([
    ['exp', now + 840, 'expires in 14 min'],
    ['exp', now - 3 * 3600, 'expired 3 h ago'],
    ['exp', now, 'expired 0 s ago'],
    ['iat', now - 60, 'issued 1 min ago'],
    ['iat', now + 300, 'issued 5 min in the future'],
    ['nbf', now + 300, 'valid in 5 min'],
    ['nbf', now - 300, 'valid since 5 min ago'],
  ])('%s at %i reads "%s"', (claim, seconds, text) => {
    expect(relativeTime(claim, seconds, now)).toBe(text);
  });
});

test('isoTime prints whole seconds in UTC', () => {
  expect(isoTime(1_795_442_400)).toBe('2026-11-23T14:00:00Z');
});
