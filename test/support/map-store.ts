import type { StateStore } from '../../src/core/state/store';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A StateStore over a Map, for tests of code that uses one. Two stores built on the same Map play
 * two replicas sharing one backend: each has its own identity, the entries are common.
 */
export class MapStore implements StateStore {
  /** Every value this store actually stored, with the TTL it was given. */
  readonly writes: Array<{ key: string; value: string; ttlSeconds: number }> = [];

  constructor(private readonly entries: Map<string, Entry> = new Map()) {}

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string> {
    const existing = this.live(key);
    if (existing) return existing.value;
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    this.writes.push({ key, value, ttlSeconds });
    return value;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const count = Number(this.live(key)?.value ?? 0) + 1;
    const expiresAt = this.live(key)?.expiresAt ?? Date.now() + ttlSeconds * 1000;
    this.entries.set(key, { value: String(count), expiresAt });
    return count;
  }

  readonly reachable = true;

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
