/**
 * Runs `assertion` until it passes, for what happens in another process or page (a WebSocket
 * message, a page's event). The deadline only bounds a failure; a pass comes as soon as it holds.
 *
 * @example await eventually(() => expect(signaling.listens).toHaveLength(2));
 */
export async function eventually(assertion: () => unknown | Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
