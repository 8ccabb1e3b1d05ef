import { Config, use } from './config/config';
import { createLimiter, Limiter } from './limits/limiter';
import { Metrics, noMetrics } from './metrics/metrics';
import { asProblem, Problem } from './problem';
import type { MemoryStore } from './state/memory-store';
import { openStateStore } from './state/config';
import type { StoreHealthListener } from './state/health';
import type { RedisStore } from './state/redis-store';

/**
 * The token service as one process runs it: the validated configuration, and what it keeps
 * between requests, the shared state and the abuse limits counted in it. A host starts one per
 * process (per warm container on Twilio) and hands it to every endpoint.
 */
export interface Service {
  readonly config: Config;
  /** Memory by default; Redis (ioredis loaded only then) with `STATE_STORE=redis`. */
  readonly store: MemoryStore | RedisStore | Problem;
  readonly limiter: Limiter | Problem;
  /** Where tokens, refusals and upstream calls are counted: nowhere unless the host asks. */
  readonly metrics: Metrics;
}

/** What a host hands the service it starts: where the service reports what it sees. */
export interface ServiceOptions {
  /** Told when the shared store is lost and when it is back: the host logs it. */
  onStoreHealth?: StoreHealthListener;
  /** The host's metrics (the Node host's `/metrics`); none by default. */
  metrics?: Metrics;
}

/**
 * Opens the configured store (Redis connects in the background, so this returns at once even
 * while Redis is down) and the limits counted in it.
 *
 * @example const service = startService(loadConfig(process.env), { onStoreHealth: (event) => log.write(event) });
 */
export function startService(config: Config, options: ServiceOptions = {}): Service {
  const store = settle(() => openStateStore(use(config.state), { onHealth: options.onStoreHealth }));
  const limiter = settle(() => createLimiter(use(config.limits), use(store)));
  return { config, store, limiter, metrics: options.metrics ?? noMetrics };
}

/** Closes the store's connections so the process can exit. */
export async function stopService(service: Service): Promise<void> {
  if (!(service.store instanceof Problem)) await service.store.close();
}

function settle<T>(open: () => T): T | Problem {
  try {
    return open();
  } catch (error) {
    return asProblem(error);
  }
}
