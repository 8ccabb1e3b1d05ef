import { MemoryStore } from '../../../src/core/state/memory-store';
import { Problem } from '../../../src/core/problem';

/** A clock the test moves by hand, starting at a fixed instant. */
function manualClock() {
  let now = Date.parse('2026-11-23T10:00:00Z');
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('MemoryStore', () => {
  test('get answers undefined for a key never written', async () => {
    expect(await new MemoryStore().get('room:none')).toBeUndefined();
  });

  test('setIfAbsent stores the first value and answers it to every later caller', async () => {
    const store = new MemoryStore();
    expect(await store.setIfAbsent('room:standup', 'session-1', 60)).toBe('session-1');
    expect(await store.setIfAbsent('room:standup', 'session-2', 60)).toBe('session-1');
    expect(await store.get('room:standup')).toBe('session-1');
  });

  test('a value expires after its TTL and the key can be taken again', async () => {
    const clock = manualClock();
    const store = new MemoryStore({ now: clock.now });
    await store.setIfAbsent('room:standup', 'session-1', 60);
    clock.advance(59_999);
    expect(await store.get('room:standup')).toBe('session-1');
    clock.advance(1);
    expect(await store.get('room:standup')).toBeUndefined();
    expect(await store.setIfAbsent('room:standup', 'session-2', 60)).toBe('session-2');
  });

  test('increment counts from 1 and keeps the expiry the counter was created with', async () => {
    const clock = manualClock();
    const store = new MemoryStore({ now: clock.now });
    expect(await store.increment('count:alice', 60)).toBe(1);
    clock.advance(30_000);
    expect(await store.increment('count:alice', 60)).toBe(2);
    expect(await store.increment('count:alice', 60)).toBe(3);
    clock.advance(30_000);
    expect(await store.get('count:alice')).toBeUndefined();
    expect(await store.increment('count:alice', 60)).toBe(1);
  });

  test('increment refuses a key that holds a value other than a counter', async () => {
    const store = new MemoryStore();
    await store.setIfAbsent('room:standup', 'session-1', 60);
    await expect(store.increment('room:standup', 60)).rejects.toThrow(new TypeError('The value under room:standup is not a counter.'));
  });

  test.each([0, -1, 1.5, NaN])('refuses a TTL of %p seconds: every key must expire', async (ttl) => {
    const store = new MemoryStore();
    const refusal = new RangeError('ttlSeconds must be a whole number of seconds, at least 1.');
    await expect(store.setIfAbsent('room:standup', 'session-1', ttl)).rejects.toThrow(refusal);
    await expect(store.increment('count:alice', ttl)).rejects.toThrow(refusal);
    expect(store.size).toBe(0);
  });

  test('writes sweep expired keys away even when nobody reads them again', async () => {
    const clock = manualClock();
    const store = new MemoryStore({ now: clock.now });
    for (let i = 0; i < 100; i++) await store.setIfAbsent(`short:${i}`, 'x', 1);
    clock.advance(1000);
    for (let i = 0; i < 100; i++) await store.setIfAbsent(`long:${i}`, 'x', 3600);
    expect(store.size).toBe(100);
  });

  describe('at its key cap', () => {
    test('refuses a new key with state_unavailable while every held key is live', async () => {
      const store = new MemoryStore({ maxKeys: 3 });
      for (const key of ['a', 'b', 'c']) await store.setIfAbsent(key, 'x', 60);
      const refusal = await store.setIfAbsent('d', 'x', 60).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(Problem);
      expect(refusal).toMatchObject({ code: 'state_unavailable', status: 503, message: 'The in-process state store holds its maximum of 3 keys.' });
      await expect(store.increment('counter', 60)).rejects.toMatchObject({ code: 'state_unavailable' });
    });

    test('still answers for the keys it holds and counts their counters', async () => {
      const store = new MemoryStore({ maxKeys: 2 });
      await store.setIfAbsent('room:standup', 'session-1', 60);
      await store.increment('count:alice', 60);
      expect(await store.setIfAbsent('room:standup', 'session-2', 60)).toBe('session-1');
      expect(await store.increment('count:alice', 60)).toBe(2);
    });

    test('makes room by purging expired keys', async () => {
      const clock = manualClock();
      const store = new MemoryStore({ now: clock.now, maxKeys: 3 });
      await store.setIfAbsent('a', 'x', 10);
      await store.setIfAbsent('b', 'x', 60);
      await store.setIfAbsent('c', 'x', 60);
      clock.advance(10_000);
      expect(await store.setIfAbsent('d', 'x', 60)).toBe('x');
      expect(store.size).toBe(3);
      expect(await store.get('b')).toBe('x');
      expect(await store.get('a')).toBeUndefined();
    });
  });

  test('ping answers true, and close forgets every key', async () => {
    const store = new MemoryStore();
    await store.setIfAbsent('room:standup', 'session-1', 60);
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(store.size).toBe(0);
  });
});
