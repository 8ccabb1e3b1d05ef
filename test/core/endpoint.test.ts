import { loadConfig } from '../../src/core/config/config';
import { endpointAt } from '../../src/core/endpoints';
import { Service, startService } from '../../src/core/service';
import { fullTwilioEnv, twilioCredentials } from '../support/fixtures';
import { recordingMetrics } from '../support/metrics';

const now = new Date('2026-11-21T12:00:00.000Z');

beforeEach(() => jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

/** One service (one process's memory store), called as a host calls it, from a given client address. */
function serviceFor(env: Record<string, string>): Service {
  return startService(loadConfig({ ...fullTwilioEnv, ...env }));
}

async function request(service: Service, params: Record<string, unknown>, clientIp?: string, headers: Record<string, string> = {}) {
  const endpoint = await endpointAt('/token');
  const { reply, log } = await endpoint({ params, headers, clientIp }, service);
  return { status: reply.status, headers: reply.headers, body: reply.body as Record<string, unknown>, log };
}

describe('rate limits in the token pipeline', () => {
  test('per client address: N answers, then 429 rate_limited with exact RateLimit fields and Retry-After', async () => {
    const service = serviceFor({ RATE_LIMIT_IP: '2', RATE_LIMIT_IDENTITY: '0' });
    const first = await request(service, { identity: 'alice' }, '198.51.100.7');
    expect(first.headers).toMatchObject({ 'RateLimit-Policy': '"ip";q=2;w=60', RateLimit: '"ip";r=1;t=60' });
    expect((await request(service, { identity: 'bob' }, '198.51.100.7')).status).toBe(200);
    jest.setSystemTime(now.getTime() + 42_500);
    const refused = await request(service, { identity: 'carol' }, '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      'Retry-After': '18', 'RateLimit-Policy': '"ip";q=2;w=60', RateLimit: '"ip";r=0;t=18',
      'Content-Type': 'application/problem+json; charset=utf-8',
    });
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(refused.body.token).toBeUndefined();
    expect(refused.log).toEqual({ outcome: 'refused', code: 'rate_limited', identity: undefined });
    expect((await request(service, { identity: 'carol' }, '198.51.100.8')).status).toBe(200);
  });

  test('per identity: the budget follows the identity across addresses, and a refused request mints nothing', async () => {
    const service = serviceFor({ RATE_LIMIT_IDENTITY: '2', RATE_LIMIT_IP: '0' });
    expect((await request(service, { identity: 'alice' }, '198.51.100.1')).status).toBe(200);
    expect((await request(service, { identity: 'alice' }, '198.51.100.2')).status).toBe(200);
    const refused = await request(service, { identity: 'alice' }, '198.51.100.3');
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ 'RateLimit-Policy': '"identity";q=2;w=60', 'Retry-After': '60' });
    expect(refused.body.token).toBeUndefined();
    expect((await request(service, { identity: 'bob' }, '198.51.100.3')).status).toBe(200);
  });

  test('0 turns every limit off: no RateLimit fields at all', async () => {
    const service = serviceFor({ RATE_LIMIT_IDENTITY: '0', RATE_LIMIT_IP: '0', RATE_LIMIT_AUTH_FAILURES: '0' });
    for (let i = 0; i < 5; i++) {
      const answer = await request(service, { identity: 'alice' }, '198.51.100.7');
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('RateLimit'))).toEqual([]);
    }
  });
});

describe('failed authentications are limited per address', () => {
  const passcode = 'correct-horse-battery';
  const env = { AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode, RATE_LIMIT_AUTH_FAILURES: '3', RATE_LIMIT_IP: '0' };

  test('passcode guessing stops after the limit, even with the right passcode, while another address still gets in', async () => {
    const service = serviceFor(env);
    for (let guess = 0; guess < 3; guess++) {
      expect((await request(service, { identity: 'eve', passcode: `guess-${guess}-wrong` }, '203.0.113.9')).body).toMatchObject({ code: 'auth_invalid' });
    }
    const blocked = await request(service, { identity: 'eve', passcode }, '203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(blocked.headers).toMatchObject({ 'RateLimit-Policy': '"auth-failures";q=3;w=900', 'Retry-After': '900' });
    expect(JSON.stringify(blocked)).not.toContain(passcode);
    expect((await request(service, { identity: 'alice', passcode }, '203.0.113.10')).status).toBe(200);
  });

  test('good credentials and missing ones are not failures', async () => {
    const service = serviceFor(env);
    for (let i = 0; i < 5; i++) {
      expect((await request(service, { identity: 'alice', passcode }, '203.0.113.9')).status).toBe(200);
      expect((await request(service, { identity: 'alice' }, '203.0.113.9')).body).toMatchObject({ code: 'auth_required' });
    }
  });

  test('parallel guesses cannot all slip past the check before the first failure counts', async () => {
    const service = serviceFor(env);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => request(service, { identity: 'eve', passcode: `wrong-guess-${i}` }, '203.0.113.9')));
    expect(answers.filter((answer) => answer.body.code === 'auth_invalid')).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(7);
  });
});

describe('configuration of the limits and the store', () => {
  test.each([
    [{ RATE_LIMIT_IP: 'lots' }, 'config_invalid'],
    [{ STATE_STORE: 'redis' }, 'config_missing'],
    [{ STATE_STORE: 'disk' }, 'config_invalid'],
  ])('%p answers %s on every token request', async (env, code) => {
    const answer = await request(serviceFor(env), { identity: 'alice' }, '198.51.100.7');
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code });
    expect(JSON.stringify(answer.body)).not.toContain(twilioCredentials.API_SECRET);
  });
});

describe('metrics in the token pipeline', () => {
  test('every token issued and every refusal is counted once, by vendor with its kind or code', async () => {
    const metrics = recordingMetrics();
    const service = startService(loadConfig(fullTwilioEnv), { metrics });
    await request(service, { identity: 'alice' });
    await request(service, {});
    await request(service, { identity: 'alice', grants: 'fax' });
    expect(metrics.calls).toEqual([
      ['tokenIssued', 'twilio', 'access'],
      ['tokenRefused', 'twilio', 'identity_missing'],
      ['tokenRefused', 'twilio', 'grant_invalid'],
    ]);
  });
});
