import { logLine } from '../../src/core/log';

describe('logLine', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-21T12:00:00.123Z') }));
  afterEach(() => jest.useRealTimers());

  test('one JSON object with the time first, then the fields in order', () => {
    expect(logLine({ event: 'token', identity: 'alice', grants: ['video'] }))
      .toBe('{"time":"2026-11-21T12:00:00.123Z","event":"token","identity":"alice","grants":["video"]}');
  });

  test('no fields is the time alone; undefined fields are left out', () => {
    expect(logLine({})).toBe('{"time":"2026-11-21T12:00:00.123Z"}');
    expect(JSON.parse(logLine({ code: undefined, outcome: 'issued' }))).toEqual({ time: '2026-11-21T12:00:00.123Z', outcome: 'issued' });
  });

  test('the time follows the clock', () => {
    logLine({});
    jest.setSystemTime(new Date('2026-11-21T12:00:01.000Z'));
    expect(logLine({})).toBe('{"time":"2026-11-21T12:00:01.000Z"}');
  });
});
