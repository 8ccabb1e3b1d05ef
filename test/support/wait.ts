/**
 * Retries `operation` until it resolves (or an assertion in it passes), or rethrows its last
 * failure once `timeoutMs` passed: for what settles in its own time (a reconnection, a failover, a
 * cluster agreeing on its state, a page's event). A condition to wait on, never a sleep; the
 * deadline only bounds a failure.
 *
 * @example const count = await eventually(() => store.increment('count:alice', 60));
 * @example await eventually(() => expect(signaling.listens).toHaveLength(2));
 */
export async function eventually<T>(operation: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Waits until `condition` holds, failing with `what` (and `context()`, such as a server's
 * output) once `timeoutMs` passed.
 *
 * @example await until(() => store.ping(), 'the store answers');
 */
export async function until(
  condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, context: () => string = () => '',
): Promise<void> {
  await eventually(async () => {
    if (!(await condition())) throw new Error(`${what}: not within ${timeoutMs} ms\n${context()}`);
  }, timeoutMs);
}
