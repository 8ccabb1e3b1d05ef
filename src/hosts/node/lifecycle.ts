import type { Server, ServerResponse } from 'node:http';
import { LogStream } from './log-stream';

/**
 * Platforms send SIGTERM and wait about 10 seconds before SIGKILL; a token takes milliseconds, so
 * 5 seconds is ample for in-flight requests and leaves margin.
 */
const shutdownGraceMs = 5_000;

/**
 * Stops cleanly on SIGTERM or SIGINT: stop accepting connections, close idle keep-alive ones, let
 * in-flight requests finish with `Connection: close`, then exit 0; exit anyway once the grace
 * period is over, so a hung request cannot keep the old instance alive. The service's connections
 * (Redis) close once the last request is answered. Log lines still pending are handed over but
 * never waited for: a blocked stdout cannot hold the process.
 */
export function stopGracefullyOnSignals(server: Server, log: LogStream, release: () => Promise<void>): void {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  const exit = () => {
    log.close();
    process.exit(0);
  };

  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) closeAfterAnswer(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.write({ event: 'host_stopping', signal, in_flight: inFlight.size });
    inFlight.forEach(closeAfterAnswer);
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
