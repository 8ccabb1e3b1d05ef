import { rejectionOf } from '../../support/problem';
import { LimitsConfig } from '../../../src/core/limits/config';
import { createLimiter, Limiter } from '../../../src/core/limits/limiter';
import { MemoryStore } from '../../../src/core/state/memory-store';
import { packagesLoadedBy } from '../../support/module-loads';

const limits: LimitsConfig = { identityPerMinute: 2, ipPerMinute: 3, authFailuresPer15Min: 2, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 };
const alice = '198.51.100.7';
const bob = '198.51.100.8';

/**
 * rate-limiter-flexible's memory limiter reads Date.now and expires keys with setTimeout: both
 * follow Jest's fake clock, so every header below is exact.
 */
function freezeClock(): void {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => jest.useRealTimers());
}

describe('the limiter on the in-process store', () => {
  freezeClock();
  let limiter: Limiter;
  beforeEach(() => {
    limiter = createLimiter(limits, new MemoryStore());
  });

  describe('per address', () => {
    test('allows the limit, then answers 429 with Retry-After, RateLimit-Policy and RateLimit', async () => {
      expect(await limiter.checkIp(alice)).toEqual({ policy: '"ip";q=3;w=60', rateLimit: '"ip";r=2;t=60', resetSeconds: 60 });
      expect((await limiter.checkIp(alice))?.rateLimit).toBe('"ip";r=1;t=60');
      expect((await limiter.checkIp(alice))?.rateLimit).toBe('"ip";r=0;t=60');
      const problem = await rejectionOf(limiter.checkIp(alice));
      expect(problem).toMatchObject({ code: 'rate_limited', status: 429, message: 'Too many requests from this address; retry in 60 s.' });
      expect(problem.headers).toEqual({ 'Retry-After': '60', 'RateLimit-Policy': '"ip";q=3;w=60', RateLimit: '"ip";r=0;t=60' });
    });

    test('Retry-After and t count down with the clock, and a new window opens when it ends', async () => {
      for (let i = 0; i < 3; i++) await limiter.checkIp(alice);
      jest.advanceTimersByTime(42_500);
      const problem = await rejectionOf(limiter.checkIp(alice));
      expect(problem.headers).toEqual({ 'Retry-After': '18', 'RateLimit-Policy': '"ip";q=3;w=60', RateLimit: '"ip";r=0;t=18' });
      expect(problem.message).toBe('Too many requests from this address; retry in 18 s.');
      jest.advanceTimersByTime(17_500);
      expect((await limiter.checkIp(alice))?.rateLimit).toBe('"ip";r=2;t=60');
    });

    test('each address has its own budget', async () => {
      for (let i = 0; i < 3; i++) await limiter.checkIp(alice);
      await expect(limiter.checkIp(alice)).rejects.toMatchObject({ code: 'rate_limited' });
      expect((await limiter.checkIp(bob))?.rateLimit).toBe('"ip";r=2;t=60');
    });

    test('an IPv6 client counts by its /64, whichever address of it it picks', async () => {
      await limiter.checkIp('2001:db8:0:1::a');
      await limiter.checkIp('2001:db8:0:1::b');
      await limiter.checkIp('2001:db8:0:1:ffff:ffff:ffff:ffff');
      await expect(limiter.checkIp('2001:db8:0:1::c')).rejects.toMatchObject({ code: 'rate_limited' });
      expect((await limiter.checkIp('2001:db8:0:2::a'))?.rateLimit).toBe('"ip";r=2;t=60');
    });

    test('no address (Twilio Functions): no limit and nothing to report', async () => {
      for (let i = 0; i < 10; i++) expect(await limiter.checkIp(undefined)).toBeUndefined();
    });
  });

  describe('per identity', () => {
    test('allows the limit, then answers 429; another identity has its own budget', async () => {
      expect((await limiter.consumeIdentity('alice'))?.rateLimit).toBe('"identity";r=1;t=60');
      expect((await limiter.consumeIdentity('alice'))?.rateLimit).toBe('"identity";r=0;t=60');
      const problem = await rejectionOf(limiter.consumeIdentity('alice'));
      expect(problem).toMatchObject({ code: 'rate_limited', status: 429, message: 'Too many tokens for this identity; retry in 60 s.' });
      expect(problem.headers).toEqual({ 'Retry-After': '60', 'RateLimit-Policy': '"identity";q=2;w=60', RateLimit: '"identity";r=0;t=60' });
      expect((await limiter.consumeIdentity('bob'))?.rateLimit).toBe('"identity";r=1;t=60');
    });

    test('requests refused per address spend nothing of the identity budget', async () => {
      for (let i = 0; i < 3; i++) await limiter.checkIp(alice);
      for (let i = 0; i < 5; i++) await expect(limiter.checkIp(alice)).rejects.toMatchObject({ code: 'rate_limited' });
      expect((await limiter.consumeIdentity('alice'))?.rateLimit).toBe('"identity";r=1;t=60');
    });
  });

  describe('failed authentications per address', () => {
    test('blocks the address for the rest of the 15 minutes once its failures are used up', async () => {
      await limiter.reserveAuthFailure(alice);
      await limiter.reserveAuthFailure(alice);
      const problem = await rejectionOf(limiter.reserveAuthFailure(alice));
      expect(problem).toMatchObject({ code: 'rate_limited', status: 429, message: 'Too many failed authentications from this address; retry in 900 s.' });
      expect(problem.headers).toEqual({ 'Retry-After': '900', 'RateLimit-Policy': '"auth-failures";q=2;w=900', RateLimit: '"auth-failures";r=0;t=900' });
      jest.advanceTimersByTime(600_000);
      expect((await rejectionOf(limiter.reserveAuthFailure(alice))).headers['Retry-After']).toBe('300');
      jest.advanceTimersByTime(300_000);
      await expect(limiter.reserveAuthFailure(alice)).resolves.toBeInstanceOf(Function);
    });

    test('attempts whose reservation is released (good credentials) never block', async () => {
      for (let i = 0; i < 10; i++) {
        const release = await limiter.reserveAuthFailure(alice);
        await release();
      }
      await limiter.reserveAuthFailure(alice);
      await limiter.reserveAuthFailure(alice);
      await expect(limiter.reserveAuthFailure(alice)).rejects.toMatchObject({ code: 'rate_limited' });
    });

    test('parallel guesses cannot all pass before the first failure is counted', async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => limiter.reserveAuthFailure(alice)));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    });

    test('a blocked address does not block another address with the right credentials', async () => {
      for (let i = 0; i < 3; i++) await limiter.reserveAuthFailure(alice).catch(() => undefined);
      const release = await limiter.reserveAuthFailure(bob);
      await release();
    });

    test('failures spend nothing of the address\'s request budget', async () => {
      for (let i = 0; i < 3; i++) await limiter.reserveAuthFailure(alice).catch(() => undefined);
      expect((await limiter.checkIp(alice))?.rateLimit).toBe('"ip";r=2;t=60');
    });
  });
});

describe('limits set to 0', () => {
  freezeClock();
  test('let every request through and report nothing', async () => {
    const limiter = createLimiter({ identityPerMinute: 0, ipPerMinute: 0, authFailuresPer15Min: 0, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 }, new MemoryStore());
    for (let i = 0; i < 200; i++) {
      expect(await limiter.checkIp(alice)).toBeUndefined();
      expect(await limiter.consumeIdentity('alice')).toBeUndefined();
      await limiter.reserveAuthFailure(alice);
    }
  });

  test('turn off only the limit that is 0', async () => {
    const limiter = createLimiter({ identityPerMinute: 1, ipPerMinute: 0, authFailuresPer15Min: 0, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 }, new MemoryStore());
    expect(await limiter.checkIp(alice)).toBeUndefined();
    expect((await limiter.consumeIdentity('alice'))?.rateLimit).toBe('"identity";r=0;t=60');
    await expect(limiter.consumeIdentity('alice')).rejects.toMatchObject({ code: 'rate_limited' });
  });
});

describe('loading', () => {
  // The limiter only asks whether the store is a RedisStore, so a plain object stands for the in-process store.
  test('importing the limiter, with every limit set to 0, loads no package', async () => {
    expect(await packagesLoadedBy('src/core/limits/limiter.ts', `
      const limiter = exported.createLimiter({ identityPerMinute: 0, ipPerMinute: 0, authFailuresPer15Min: 0, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 }, {});
      await limiter.checkIp('198.51.100.7');`)).toEqual([]);
  });

  test('a limit that is on loads rate-limiter-flexible, and no Redis client for the in-process store', async () => {
    expect(await packagesLoadedBy('src/core/limits/limiter.ts', `
      const limiter = exported.createLimiter({ identityPerMinute: 0, ipPerMinute: 1, authFailuresPer15Min: 0, createIpPerMinute: 0, createIdentityPerMinute: 0, trustProxy: 0 }, {});
      await limiter.checkIp('198.51.100.7');`)).toEqual(['rate-limiter-flexible']);
  });
});

describe('creations per address and per identity', () => {
  freezeClock();

  test('counted against the address first, then the identity; each refuses with its own policy', async () => {
    const limiter = createLimiter({ ...limits, createIpPerMinute: 3, createIdentityPerMinute: 2 }, new MemoryStore());
    expect((await limiter.consumeCreation(alice, 'maker')).map((status) => status.rateLimit)).toEqual(['"create-ip";r=2;t=60', '"create-identity";r=1;t=60']);
    await limiter.consumeCreation(alice, 'maker');
    const identity = await rejectionOf(limiter.consumeCreation(bob, 'maker'));
    expect(identity).toMatchObject({ code: 'rate_limited', message: 'Too many rooms, sessions or users created for this identity; retry in 60 s.' });
    expect(identity.headers['RateLimit-Policy']).toBe('"create-identity";q=2;w=60');
    await limiter.consumeCreation(alice, 'other');
    const address = await rejectionOf(limiter.consumeCreation(alice, 'other'));
    expect(address).toMatchObject({ code: 'rate_limited', message: 'Too many rooms, sessions or users created from this address; retry in 60 s.' });
  });

  test('Twilio Functions expose no address: only the identity counts', async () => {
    const limiter = createLimiter({ ...limits, createIpPerMinute: 1, createIdentityPerMinute: 5 }, new MemoryStore());
    await limiter.consumeCreation(undefined, 'a');
    expect((await limiter.consumeCreation(undefined, 'b')).map((status) => status.policy)).toEqual(['"create-identity";q=5;w=60']);
  });
});

describe('at the in-process store\'s cap', () => {
  freezeClock();

  test('a new mapping is refused with state_unavailable, known ones stay readable, and the limits keep counting: they live apart from the store', async () => {
    const store = new MemoryStore({ maxKeys: 3 });
    const limiter = createLimiter({ ...limits, createIdentityPerMinute: 2 }, store);
    for (const room of ['r1', 'r2', 'r3']) await store.setIfAbsent(`vonage:room:${room}`, `session-${room}`, 86400);

    expect(await rejectionOf(store.setIfAbsent('vonage:room:r4', 'session-r4', 86400))).toMatchObject({
      code: 'state_unavailable', status: 503, message: 'The in-process state store holds its maximum of 3 keys.',
    });
    expect(await store.get('vonage:room:r1')).toBe('session-r1');
    // New counters, for new addresses and identities, are taken, and count to their limits as before.
    expect((await limiter.checkIp(alice))?.rateLimit).toBe('"ip";r=2;t=60');
    await limiter.consumeIdentity('carol');
    await limiter.consumeIdentity('carol');
    expect(await rejectionOf(limiter.consumeIdentity('carol'))).toMatchObject({ code: 'rate_limited' });
    await limiter.consumeCreation(bob, 'dave');
    await limiter.consumeCreation(bob, 'dave');
    expect(await rejectionOf(limiter.consumeCreation(bob, 'dave'))).toMatchObject({ code: 'rate_limited' });
    // Nothing the limiter counted took a place in the store, or pushed a mapping out.
    expect(store.size).toBe(3);
  });
});
