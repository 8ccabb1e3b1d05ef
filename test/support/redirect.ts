import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/** Where a followed redirect would land: it records each request's method, path and Authorization header. */
export interface Landing extends LoopbackServer {
  requests: Array<{ method: string; path: string; authorization?: string }>;
}

async function listen(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A server that answers every request `302 Found` to the same path on `landing`, with `body` as
 * JSON: what a hijacked or misconfigured vendor host could send.
 *
 * @example const redirect = await startRedirect(landing.url, { sid: 'RM…' });
 */
export async function startRedirect(landing: string, body: unknown): Promise<LoopbackServer> {
  return listen(createServer((request, response) => {
    request.resume();
    response.writeHead(302, { location: `${landing}${request.url}`, 'content-type': 'application/json' }).end(JSON.stringify(body));
  }));
}

/** A server that records what reaches it and answers 200 `{}`. */
export async function startLanding(): Promise<Landing> {
  const requests: Landing['requests'] = [];
  const server = await listen(createServer((request, response) => {
    requests.push({ method: request.method!, path: request.url!, authorization: request.headers.authorization });
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }));
  return { ...server, requests };
}
