import { Deadline } from '../../../src/core/deadline';
import { rememberOrCreate } from '../../../src/core/vonage/remembered';
import { MapStore } from '../../support/map-store';

/** A creation the test finishes itself, recording whether it was told every caller had left. */
function heldCreation() {
  const creation = { calls: 0, stopped: false, finish: (_value: string) => undefined as void };
  const create = (deadline: Deadline) => {
    creation.calls++;
    return new Promise<string>((resolve, reject) => {
      creation.finish = resolve;
      deadline.clientGone?.addEventListener('abort', () => {
        creation.stopped = true;
        reject(deadline.clientGone!.reason);
      });
    });
  };
  return { creation, create };
}

/** A request's deadline with a client that can leave. */
function caller() {
  const client = new AbortController();
  return { deadline: new Deadline(25_000, client), leave: () => client.abort() };
}

const settled = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: Error) => ({ error: error.name }));

describe('rememberOrCreate with callers whose clients leave', () => {
  test('one caller leaving stops its own wait only: the shared creation goes on for the other, and is remembered', async () => {
    const store = new MapStore();
    const { creation, create } = heldCreation();
    const [first, second] = [caller(), caller()];
    const firstAnswer = settled(rememberOrCreate(store, 'room:standup', 600, first.deadline, create, String));
    const secondAnswer = settled(rememberOrCreate(store, 'room:standup', 600, second.deadline, create, String));
    await new Promise((resolve) => setImmediate(resolve));

    first.leave();
    expect(await firstAnswer).toEqual({ error: 'AbortError' });
    creation.finish('session-1');
    expect(await secondAnswer).toEqual({ value: 'session-1' });
    expect({ calls: creation.calls, stopped: creation.stopped }).toEqual({ calls: 1, stopped: false });
    expect(store.writes).toEqual([{ key: 'room:standup', value: 'session-1', ttlSeconds: 600 }]);
  });

  test('when every caller has left, the creation is stopped and nothing is remembered', async () => {
    const store = new MapStore();
    const { creation, create } = heldCreation();
    const [first, second] = [caller(), caller()];
    const answers = [first, second].map((one) => settled(rememberOrCreate(store, 'room:standup', 600, one.deadline, create, String)));
    await new Promise((resolve) => setImmediate(resolve));

    first.leave();
    expect(creation.stopped).toBe(false);
    second.leave();
    expect(await Promise.all(answers)).toEqual([{ error: 'AbortError' }, { error: 'AbortError' }]);
    expect(creation.stopped).toBe(true);
    expect(store.writes).toEqual([]);
  });
});

describe('rememberOrCreate checks every value before use', () => {
  const digitsOnly = (value: unknown) => {
    if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new Error('not digits');
    return value;
  };

  test('a created value that fails the check is never stored', async () => {
    const store = new MapStore();
    await expect(rememberOrCreate(store, 'k', 600, caller().deadline, async () => '../x', digitsOnly)).rejects.toThrow('not digits');
    expect(store.writes).toEqual([]);
  });

  test('a remembered value that fails the check (written by an older version, say) is refused, not used', async () => {
    const store = new MapStore();
    await store.setIfAbsent('k', '\u202e1', 600);
    await expect(rememberOrCreate(store, 'k', 600, caller().deadline, async () => '1', digitsOnly)).rejects.toThrow('not digits');
  });
});
