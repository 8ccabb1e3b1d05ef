import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { LogFields, logLine } from '../../core/log';

/**
 * Lines waiting beyond this are dropped, not held: a log collector that stops reading must not
 * grow the host's memory or keep it from exiting.
 */
const maxPendingBytes = 1024 * 1024;

/**
 * The Node host's log output: JSON lines written straight to a stream (stdout), not through
 * `console`. Lines written in one turn of the event loop go out in one write (a write per line
 * cost ~20% of the host's CPU under load, --cpu-prof). While the stream cannot take more, new
 * lines are counted and dropped; `close()` reports the count on stderr.
 *
 * @example const log = new LogStream(process.stdout); log.write({ event: 'host_started' });
 */
export class LogStream {
  private pending: string[] = [];
  private scheduled = false;
  private dropped = 0;

  constructor(private readonly stream: Writable) {
    // A closed or broken pipe must not crash the host; lines written after it are lost either way.
    stream.on('error', () => undefined);
  }

  write(fields: LogFields): void {
    if (this.stream.writableLength > maxPendingBytes || this.stream.destroyed) {
      this.dropped++;
      return;
    }
    this.pending.push(logLine(fields));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const lines = this.pending;
    this.pending = [];
    if (this.stream.writableLength > maxPendingBytes || this.stream.destroyed) {
      this.dropped += lines.length;
      return;
    }
    this.stream.write(lines.join('\n') + '\n');
  }

  /**
   * Hands what is pending to the stream, without waiting for it to be written, and says on stderr
   * how many lines were dropped. Safe to call right before `process.exit`.
   */
  close(): void {
    if (this.pending.length > 0) this.flush();
    if (this.dropped === 0) return;
    try {
      writeSync(2, `${logLine({ level: 'warn', event: 'log_lines_dropped', count: this.dropped })}\n`);
    } catch {
      // stderr is blocked or gone as well: nothing is left to tell.
    }
  }
}
