import { Problem } from '../problem';
import { StateStore } from './store';

export interface MemoryStoreOptions {
  /** Milliseconds since the epoch; tests pass a clock they move themselves. */
  now?: () => number;
  /**
   * Most keys held at once (default 100 000: about 55 MB of heap with 50-character keys and
   * 80-character values, measured on Node 20). At the cap, a write of a new key first purges
   * expired keys; when none has expired it is refused with `state_unavailable`, while existing
   * keys stay readable and counters keep counting.
   */
  maxKeys?: number;
}

interface Entry {
  value: string;
  /** Milliseconds since the epoch, on the store's clock. */
  expiresAt: number;
}

const defaultMaxKeys = 100_000;

/**
 * Entries the sweep examines per write: small enough to stay invisible in a request's cost, and
 * enough that a full pass over 100 000 keys takes 12 500 writes, so expired keys never pile up.
 */
const sweepStep = 8;

/**
 * The state store of one process (`STATE_STORE=memory`): replicas do not see each other's keys.
 * Expired keys are dropped when read, by a few steps of a sweep on every write, and all at once
 * when the store reaches `maxKeys`.
 *
 * @example
 * const store = new MemoryStore();
 * await store.setIfAbsent('room:standup', 'session-1', 86400); // 'session-1'
 * await store.setIfAbsent('room:standup', 'session-2', 86400); // 'session-1'
 */
export class MemoryStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  /** Where the incremental sweep resumes; Map iterators stay valid while entries come and go. */
  private cursor: IterableIterator<[string, Entry]>;
  /**
   * No entry expires before this instant: the store at its cap purges only when something can
   * have expired, so a full store under a flood of new keys does not rescan itself every write.
   */
  private earliestExpiry = Infinity;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? defaultMaxKeys;
    this.cursor = this.entries.entries();
  }

  /** Keys held, including expired ones not purged yet. */
  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<string> {
    requireTtl(ttlSeconds);
    return this.live(key)?.value ?? this.insert(key, value, ttlSeconds).value;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    requireTtl(ttlSeconds);
    const entry = this.live(key);
    if (entry === undefined) return Number(this.insert(key, '1', ttlSeconds).value);
    const count = Number(entry.value);
    if (!Number.isSafeInteger(count)) throw new TypeError(`The value under ${key} is not a counter.`);
    entry.value = String(count + 1);
    return count + 1;
  }

  /** Always: the store is this process's memory. */
  readonly reachable = true;

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** The entry under `key` unless it has expired, in which case it is dropped. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAt > this.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private insert(key: string, value: string, ttlSeconds: number): Entry {
    this.sweep();
    if (this.entries.size >= this.maxKeys) this.purgeExpired();
    if (this.entries.size >= this.maxKeys) {
      throw new Problem('state_unavailable', `The in-process state store holds its maximum of ${this.maxKeys} keys.`);
    }
    const entry = { value, expiresAt: this.now() + ttlSeconds * 1000 };
    this.entries.set(key, entry);
    this.earliestExpiry = Math.min(this.earliestExpiry, entry.expiresAt);
    return entry;
  }

  /** A few more steps of the endless pass over all entries, dropping the expired ones. */
  private sweep(): void {
    const now = this.now();
    for (let step = 0; step < sweepStep; step++) {
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = this.entries.entries();
        return;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private purgeExpired(): void {
    const now = this.now();
    if (this.earliestExpiry > now) return;
    this.earliestExpiry = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
      else this.earliestExpiry = Math.min(this.earliestExpiry, entry.expiresAt);
    }
  }
}

/** Every key expires (the store's contract), and Redis counts expiry in whole seconds. */
function requireTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError('ttlSeconds must be a whole number of seconds, at least 1.');
  }
}
