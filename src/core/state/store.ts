/**
 * State every replica of the service sees: room-to-session mappings, known users. Values are
 * strings and every key expires; implementations namespace keys themselves, so callers pass bare
 * keys such as `room:standup`. Any failure to reach the store rejects with the `state_unavailable`
 * problem, within the store's deadline.
 */
export interface StateStore {
  /** The value under `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /**
   * Stores `value` under `key` for `ttlSeconds` unless the key already holds a value, and resolves
   * with the value the key holds afterwards: `value` when this call stored it, otherwise the
   * existing one (the winner of a race across replicas).
   */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string>;
  /** Adds one to the counter under `key` and resolves with the new count; a new counter expires after `ttlSeconds`. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Whether the store can be reached as far as it knows without asking (a ready connection): for metrics. */
  readonly reachable: boolean;
  /** Whether the store answers right now, for readiness probes. Never rejects. */
  ping(): Promise<boolean>;
  /** Releases connections so the process can exit. */
  close(): Promise<void>;
}
