import type { Server, ServerResponse } from 'node:http';
import { LogStream } from './log-stream';

/**
 * Platforms send SIGTERM and wait about 10 seconds before SIGKILL; a token takes milliseconds, so
 * 5 seconds is ample for in-flight requests and leaves margin.
 */
const shutdownGraceMs = 5_000;

/** One response being answered: a link in the list of those in flight. */
export interface InFlightEntry {
  readonly res: ServerResponse;
  newer: InFlightEntry | undefined;
  older: InFlightEntry | undefined;
}

/**
 * The responses being answered, which the host server reports as each request starts and ends:
 * a stop lets them finish with `Connection: close`. Calls rather than a second 'request' listener
 * and a 'close' listener per response, which cost 3% of a token request's CPU and 6% of a probe's (measured).
 *
 * A linked list, not a Set: V8 leaves the entries of a Set's replaced hash tables in place, and
 * once the Set is old, those tables hold the responses that were in flight when each was replaced.
 * With requests waiting on a signature or a vendor, that was every answered request's objects kept
 * past the young generation's collections and promoted (about 3 KB per `/vonage-token` request,
 * scavenges 5 times longer and a full collection a second). An unlinked entry points nowhere.
 */
export class InFlight {
  private newest: InFlightEntry | undefined;
  private count = 0;
  private stopping = false;

  /** The number of responses not answered yet. */
  get size(): number {
    return this.count;
  }

  started(res: ServerResponse): InFlightEntry {
    if (this.stopping) closeAfterAnswer(res);
    const entry: InFlightEntry = { res, newer: undefined, older: this.newest };
    if (this.newest !== undefined) this.newest.newer = entry;
    this.newest = entry;
    this.count++;
    return entry;
  }

  /** Once per entry `started` returned. */
  ended(entry: InFlightEntry): void {
    if (entry.newer === undefined) this.newest = entry.older;
    else entry.newer.older = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    entry.newer = undefined;
    entry.older = undefined;
    this.count--;
  }

  /** From now on every answer closes its connection, those in flight included. */
  stop(): void {
    this.stopping = true;
    for (let entry = this.newest; entry !== undefined; entry = entry.older) closeAfterAnswer(entry.res);
  }
}

function closeAfterAnswer(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

/**
 * Stops cleanly on SIGTERM or SIGINT: stop accepting connections, close idle keep-alive ones, let
 * in-flight requests finish with `Connection: close`, then exit 0; exit anyway once the grace
 * period is over, so a hung request cannot keep the old instance alive. The service's connections
 * (Redis) close once the last request is answered. Log lines still pending are handed over but
 * never waited for: a blocked stdout cannot hold the process.
 */
export function stopGracefullyOnSignals(server: Server, inFlight: InFlight, log: LogStream, release: () => Promise<void>): void {
  let stopping = false;
  const exit = () => {
    log.close();
    process.exit(0);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.write({ event: 'host_stopping', signal, in_flight: inFlight.size });
    inFlight.stop();
    server.close(() => {
      log.write({ event: 'host_stopped' });
      release().finally(exit);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      log.write({ event: 'host_stopped', forced: true, in_flight: inFlight.size });
      exit();
    }, shutdownGraceMs).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
