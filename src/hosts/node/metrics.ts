import type { Counter, Registry } from 'prom-client';
import { Metrics, statusClass } from '../../core/metrics/metrics';
import { Problem } from '../../core/problem';
import type { Service } from '../../core/service';

/**
 * A token answer takes well under a millisecond here, an upstream call up to its 5 s deadline:
 * buckets from half a millisecond, so the token path does not vanish in the first one.
 */
const httpBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const upstreamBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type PromClient = typeof import('prom-client');

/** The Node host's Prometheus metrics: the core's counters, HTTP timings, and the service's state when scraped. */
export interface HostMetrics {
  /** What the core counts on the token path, as prom-client series. */
  readonly counters: Metrics;
  /**
   * One request answered (or left without an answer: `status` undefined). `route` is a path of
   * the route table or `other`, never the path a caller sent.
   */
  httpRequest(route: string, status: number | undefined, seconds: number): void;
  /** Series read from the running service at each scrape: the shared store, the RSA signing queue. */
  watch(service: Service): void;
  /** The Prometheus text exposition of every series. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

/**
 * Metrics on their own prom-client Registry (never the global one, which any other module in the
 * process could fill), with prom-client's default process and event-loop series. prom-client
 * loads only here, when `METRICS_TOKEN` turns `/metrics` on. Label children are looked up once
 * per label set and kept, so a token costs two Map lookups and two increments.
 *
 * @example const metrics = createHostMetrics(); const service = startService(config, { metrics: metrics.counters });
 */
export function createHostMetrics(): HostMetrics {
  const client = require('prom-client') as PromClient;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool's lint refuses: each is the sum of the per-type
  // series prom-client exports beside it (`nodejs_active_handles{type}` …), so nothing is lost.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const registers = [registry];

  const issued = new client.Counter({
    name: 'rtc_tokens_issued_total', help: 'Tokens issued, by vendor and kind (access, client, video).',
    labelNames: ['vendor', 'kind'] as const, registers,
  });
  const refused = new client.Counter({
    name: 'rtc_token_refusals_total', help: 'Token requests refused, by vendor and problem code.',
    labelNames: ['vendor', 'code'] as const, registers,
  });
  const http = new client.Histogram({
    name: 'rtc_http_request_duration_seconds', help: 'Time from request to answer, by route and status class.',
    labelNames: ['route', 'status_class'] as const, buckets: httpBuckets, registers,
  });
  const upstreamRequests = new client.Counter({
    name: 'rtc_upstream_requests_total', help: 'Requests to upstream APIs, by upstream and outcome.',
    labelNames: ['upstream', 'outcome'] as const, registers,
  });
  const upstreamDuration = new client.Histogram({
    name: 'rtc_upstream_request_duration_seconds', help: 'Duration of requests to upstream APIs, by upstream and outcome.',
    labelNames: ['upstream', 'outcome'] as const, buckets: upstreamBuckets, registers,
  });

  const issuedChild = children((vendor, kind) => issued.labels(vendor, kind));
  const refusedChild = children((vendor, code) => refused.labels(vendor, code));
  const httpChild = children((route, status) => http.labels(route, status));
  const upstreamChild = children((upstream, outcome) => ({
    count: upstreamRequests.labels(upstream, outcome), duration: upstreamDuration.labels(upstream, outcome),
  }));

  return {
    counters: {
      tokenIssued: (vendor, kind) => issuedChild(vendor, kind).inc(),
      tokenRefused: (vendor, code) => refusedChild(vendor, code).inc(),
      upstreamRequest: (upstream, outcome, seconds) => {
        const child = upstreamChild(upstream, outcome);
        child.count.inc();
        child.duration.observe(seconds);
      },
    },
    httpRequest: (route, status, seconds) => httpChild(route, status === undefined ? 'aborted' : statusClass(status)).observe(seconds),
    watch: (service) => watchService(client, registers, service),
    scrape: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}

/** Series computed from the service when scraped: nothing is counted on the token path for them. */
function watchService(client: PromClient, registers: Registry[], service: Service): void {
  const { store, config } = service;
  new client.Gauge({
    name: 'rtc_state_store_up', help: '1 while the shared state store can be reached (always for STATE_STORE=memory), else 0.',
    registers, collect() { this.set(!(store instanceof Problem) && store.reachable ? 1 : 0); },
  });
  const signing = () => (config.vonage instanceof Problem ? undefined : config.vonage.signing.stats());
  new client.Gauge({
    name: 'rtc_rsa_signings_running', help: 'RSA signatures (Vonage tokens) running on the thread pool now.',
    registers, collect() { this.set(signing()?.running ?? 0); },
  });
  new client.Gauge({
    name: 'rtc_rsa_signings_queued', help: 'RSA signatures waiting for a thread now.',
    registers, collect() { this.set(signing()?.waiting ?? 0); },
  });
  growingCounter(client, registers, 'rtc_rsa_signings_queued_total', 'RSA signatures that had to wait for a thread.', () => signing()?.queuedTotal ?? 0);
  growingCounter(client, registers, 'rtc_rsa_signings_shed_total', 'RSA signatures refused with 503 overloaded: the queue was full.', () => signing()?.shedTotal ?? 0);
}

/** A counter that follows a total kept elsewhere, read at each scrape. */
function growingCounter(
  client: PromClient, registers: Registry[], name: string, help: string, total: () => number,
): Counter {
  let seen = 0;
  return new client.Counter({
    name, help, registers,
    collect() {
      const now = total();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

/** A label set's child, made on first use and kept: prom-client hashes the labels on every `labels()` call. */
function children<C>(make: (first: string, second: string) => C): (first: string, second: string) => C {
  const made = new Map<string, Map<string, C>>();
  return (first, second) => {
    let row = made.get(first);
    if (row === undefined) made.set(first, (row = new Map()));
    let child = row.get(second);
    if (child === undefined) row.set(second, (child = make(first, second)));
    return child;
  };
}
