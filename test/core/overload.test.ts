import { ConcurrencyLimit } from '../../src/core/overload';
import { Problem } from '../../src/core/problem';

/** A task that finishes when the test says so. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  return { done, finish };
}

describe('ConcurrencyLimit', () => {
  test('runs at most `max` tasks at once, queues `maxQueued` more and sheds the rest with overloaded', async () => {
    const limit = new ConcurrencyLimit(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (gate: ReturnType<typeof deferred>) => async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.done;
      running--;
      return 'ok';
    };
    const accepted = gates.map((gate) => limit.run(task(gate)));
    await expect(limit.run(task(deferred()))).rejects.toMatchObject({
      code: 'overloaded', status: 503, headers: { 'Retry-After': '1' },
    });
    expect(running).toBe(2);
    expect(limit.stats()).toEqual({ running: 2, waiting: 1, queuedTotal: 1, shedTotal: 1 });
    gates.forEach((gate) => gate.finish());
    expect(await Promise.all(accepted)).toEqual(['ok', 'ok', 'ok']);
    expect(peak).toBe(2);
    expect(limit.stats()).toEqual({ running: 0, waiting: 0, queuedTotal: 1, shedTotal: 1 });
  });

  test('a failing task frees its slot', async () => {
    const limit = new ConcurrencyLimit(1, 0);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });

  test('the refusal is a problem with a stable code', async () => {
    const limit = new ConcurrencyLimit(0, 0);
    const refusal = await limit.run(async () => 'never').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Problem);
    expect((refusal as Problem).toBody()).toEqual({
      type: 'urn:rtc-token-service:problem:overloaded', title: 'Service is overloaded', status: 503,
      detail: 'Too many tokens are being signed right now; retry in a second.', code: 'overloaded',
    });
  });
});
