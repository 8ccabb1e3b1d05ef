/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Contender {
  name: string;
  run: () => unknown;
}

/**
 * Microseconds per call for each contender: the median of `batches` timed batches after a warm-up.
 * Contenders take turns batch by batch, so a noisy moment on this shared machine lands on all of
 * them alike and their ratios stay meaningful.
 */
export function compare(contenders: readonly Contender[], options: { batch: number; batches: number; warmup: number }): Record<string, number> {
  for (const contender of contenders) for (let i = 0; i < options.warmup; i++) contender.run();
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.batches; round++) {
    for (const contender of contenders) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < options.batch; i++) contender.run();
      samples.get(contender.name)!.push(Number(process.hrtime.bigint() - start) / 1000 / options.batch);
    }
  }
  return Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
}
