import { twilioCredentials } from '../support/fixtures';
import { parseExposition, sampleValue } from '../support/prometheus';
import { RedisServer, startRedis, stopRedis } from '../support/redis';
import { freePort, logLines, RunningServer, startNodeHost } from '../support/server';
import { until as untilWithin } from '../support/wait';

/** Far beyond any refusal, so an answer in a tenth of it cannot have waited for it. */
const storeDeadlineMs = 10_000;
const metricsToken = 'scrape-token-0c7d1e2f3a4b';

let redis: RedisServer;
let host: RunningServer;

beforeAll(async () => {
  redis = await startRedis();
  host = await startNodeHost({
    ...twilioCredentials, STATE_STORE: 'redis', REDIS_URL: redis.url, STATE_TIMEOUT_MS: String(storeDeadlineMs), METRICS_TOKEN: metricsToken,
  });
}, 30000);
afterAll(async () => {
  await host?.stop();
  await stopRedis(redis);
});

/** Waits until `condition` holds, for up to 10 s. */
function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  return untilWithin(condition, 'the condition held', 10_000, () => host.output());
}

/** `rtc_state_store_up` as the host's /metrics says it, which answers whether Redis does or not. */
async function storeUp(): Promise<number> {
  const response = await fetch(`${host.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  return sampleValue(parseExposition(await response.text()), 'rtc_state_store_up');
}

/** A GET, with how long its answer took. */
async function timedGet(url: string): Promise<{ response: Response; body: Record<string, unknown>; elapsedMs: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = (await response.json()) as Record<string, unknown>;
  return { response, body, elapsedMs: performance.now() - started };
}

describe('the Node host through a Redis outage', () => {
  test('503 state_unavailable with Retry-After long before the store deadline, one line when lost, one when back', async () => {
    expect((await fetch(`${host.url}/token?identity=alice`)).status).toBe(200);
    expect(logLines(host, 'state_store_down')).toEqual([]);
    expect(await storeUp()).toBe(1);

    await redis.stop();
    for (const path of ['/token?identity=alice', '/token?identity=bob', '/_/ready', '/token?identity=carol']) {
      const { response, body, elapsedMs } = await timedGet(`${host.url}${path}`);
      expect({ status: response.status, retryAfter: response.headers.get('retry-after'), code: body.code })
        .toEqual({ status: 503, retryAfter: '5', code: 'state_unavailable' });
      expect(elapsedMs).toBeLessThan(storeDeadlineMs / 10);
    }
    // Reconnection attempts back off to one a second: a few more fail meanwhile, and log nothing.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(logLines(host, 'state_store_down')).toEqual([
      expect.objectContaining({ time: expect.any(String), level: 'warn', event: 'state_store_down', store: 'redis' }),
    ]);
    expect(logLines(host, 'state_store_up')).toEqual([]);
    expect(await storeUp()).toBe(0);

    await redis.restart();
    await until(async () => (await fetch(`${host.url}/token?identity=alice`)).status === 200);
    await until(() => logLines(host, 'state_store_up').length > 0);
    expect(logLines(host, 'state_store_up')).toEqual([{ time: expect.any(String), level: 'info', event: 'state_store_up', store: 'redis' }]);
    expect(logLines(host, 'state_store_down')).toHaveLength(1);
    expect(await storeUp()).toBe(1);
    expect(host.output()).not.toContain(String(redis.port));
  });

  test('a host started while Redis cannot be reached says so once, at start-up, naming the socket error only', async () => {
    const port = await freePort();
    const cut = await startNodeHost({ ...twilioCredentials, STATE_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      await until(() => logLines(cut, 'state_store_down').length > 0);
      for (let request = 0; request < 5; request++) expect((await fetch(`${cut.url}/token?identity=alice`)).status).toBe(503);
      expect(logLines(cut, 'state_store_down')).toEqual([
        { time: expect.any(String), level: 'warn', event: 'state_store_down', store: 'redis', reason: 'ECONNREFUSED' },
      ]);
      expect(cut.output()).not.toContain(String(port));
    } finally {
      await cut.stop();
    }
  });
});
