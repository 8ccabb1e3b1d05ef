import type { Metrics } from '../../src/core/metrics/metrics';

/** A Metrics that records every call, for tests of code that counts. */
export function recordingMetrics(): Metrics & { calls: Array<[string, ...unknown[]]> } {
  const calls: Array<[string, ...unknown[]]> = [];
  return {
    calls,
    tokenIssued: (vendor, kind) => calls.push(['tokenIssued', vendor, kind]),
    tokenRefused: (vendor, code) => calls.push(['tokenRefused', vendor, code]),
    upstreamRequest: (upstream, outcome, seconds) => calls.push(['upstreamRequest', upstream, outcome, typeof seconds]),
  };
}
