/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median over rounds of `a` over `b`, round by round: a slow stretch of the machine that spans
 * rounds moves both measures of a round alike. Undefined when a measure is missing from a round.
 *
 * @example pairedRatio([10, 20, 12], [20, 40, 20]) // 0.5
 */
export function pairedRatio(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): number | undefined {
  if (a.length !== b.length || a.length === 0) return undefined;
  const ratios = a.map((value, index) => (value === undefined || b[index] === undefined ? NaN : value / b[index]!));
  return ratios.some(Number.isNaN) ? undefined : median(ratios);
}

/**
 * The value below which `fraction` of the values fall (nearest rank).
 *
 * @example percentile([0.2, 0.3, 0.4, 5], 0.5) // 0.3
 */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

export interface Contender {
  name: string;
  /** One call; a promise is awaited, so asynchronous signers are timed to completion. */
  run: () => unknown;
}

/**
 * Microseconds per call for each contender: the median of `batches` timed batches after a warm-up.
 * Contenders take turns batch by batch, so a noisy moment on this shared machine lands on all of
 * them alike and their ratios stay meaningful.
 */
export async function compare(contenders: readonly Contender[], options: { batch: number; batches: number; warmup: number }): Promise<Record<string, number>> {
  const anyAsync = contenders.some((contender) => contender.run() instanceof Promise);
  // Awaiting adds a microtask per call: negligible beside an RSA signature, but not beside a 2 µs
  // HMAC, so all-synchronous contenders run in a plain loop.
  const runBatch = async (run: () => unknown) => {
    if (anyAsync) for (let i = 0; i < options.batch; i++) await run();
    else for (let i = 0; i < options.batch; i++) run();
  };
  for (const contender of contenders) for (let i = 0; i < options.warmup; i++) await contender.run();
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < options.batches; round++) {
    for (const contender of contenders) {
      const start = process.hrtime.bigint();
      await runBatch(contender.run);
      samples.get(contender.name)!.push(Number(process.hrtime.bigint() - start) / 1000 / options.batch);
    }
  }
  return Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
}
