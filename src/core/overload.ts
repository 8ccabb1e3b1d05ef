import { Problem } from './problem';

/**
 * Runs at most `max` tasks at once and queues at most `maxQueued` more; beyond that a task is
 * refused at once with `overloaded` (and its `Retry-After`), so a flood of one kind of work (RSA
 * signatures) cannot delay everything else the process answers. Keeps the counts a host's metrics
 * read when scraped: plain fields, nothing more per task.
 *
 * @example await new ConcurrencyLimit(4, 16).run(() => signToken())
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Tasks that had to wait for a slot, since start. */
  private queuedCount = 0;
  /** Tasks refused with `overloaded`, since start. */
  private shedCount = 0;

  constructor(readonly max: number, readonly maxQueued: number) {}

  /**
   * Tasks running and waiting right now, and how many ever waited or were shed.
   *
   * @example limit.stats() // { running: 4, waiting: 2, queuedTotal: 130, shedTotal: 7 }
   */
  stats(): { running: number; waiting: number; queuedTotal: number; shedTotal: number } {
    return { running: this.active, waiting: this.waiting.length, queuedTotal: this.queuedCount, shedTotal: this.shedCount };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) {
      this.active++;
    } else {
      if (this.waiting.length >= this.maxQueued) {
        this.shedCount++;
        throw new Problem('overloaded', 'Too many tokens are being signed right now; retry in a second.');
      }
      this.queuedCount++;
      // The finishing task hands its slot straight to this one, so `active` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
