import SonicBoom from 'sonic-boom';

/**
 * Sends console output to stdout through sonic-boom, the asynchronous writer pino uses. Node's
 * console writes each line to a file or pipe with its own synchronous syscall; with an access line
 * and a token line per request that was ~20% of the host's CPU under load (--cpu-prof). Lines
 * written while a write is in flight now go out together. Whatever is still buffered is written
 * before the process exits, so `process.exit` after a final log line loses nothing.
 */
export function bufferConsoleOutput(): void {
  const stdout = new SonicBoom({ fd: process.stdout.fd, sync: false });
  globalThis.console = new console.Console({ stdout: stdout as unknown as NodeJS.WritableStream, stderr: process.stderr });
  process.on('exit', () => stdout.flushSync());
}
