import { Problem } from './problem';

/**
 * Runs at most `max` tasks at once and queues at most `maxQueued` more; beyond that a task is
 * refused at once with `overloaded` and `Retry-After`, so a flood of one kind of work (RSA
 * signatures) cannot delay everything else the process answers.
 *
 * @example await new ConcurrencyLimit(4, 16).run(() => signToken())
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number, readonly maxQueued: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) {
      this.active++;
    } else {
      if (this.waiting.length >= this.maxQueued) {
        throw new Problem('overloaded', 'Too many tokens are being signed right now; retry in a second.');
      }
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
