/**
 * Freezes `Date` at `now` for each test (timers and promises keep running) and silences the
 * service's log lines; tests that inspect the log spy on console.log themselves.
 */
export function freezeClockPerTest(now: Date): void {
  beforeEach(() => {
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}
