import { createServer, Server } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface RunningConnectProxy {
  /** For `HTTP_PROXY` / `HTTPS_PROXY`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every CONNECT target asked for (`host:port`), in order, routed or refused. */
  connections(): string[];
  stop(): Promise<void>;
}

/**
 * A forward proxy on loopback, for clients that honour `HTTP_PROXY` but have no base-URL option
 * (twilio-run's API client): it accepts `CONNECT host:443` for the hosts in `routes`, terminates
 * TLS with `tls` (a certificate the client trusts through `NODE_EXTRA_CA_CERTS`), and passes the
 * decrypted HTTP to the loopback port the host is routed to. Any other target is refused with 403,
 * and every target asked for is recorded, so a test can tell that nothing tried to go out.
 *
 * @example const proxy = await startConnectProxy({ 'serverless.twilio.com': 4010 }, ca);
 */
export async function startConnectProxy(routes: Readonly<Record<string, number>>, tls: { key: string; cert: string }): Promise<RunningConnectProxy> {
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('This proxy only tunnels CONNECT requests.\n');
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    connections.push(target);
    const [host, port] = target.split(':');
    const routed = port === '443' ? routes[host] : undefined;
    if (routed === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) client.unshift(head);
    const decrypted = new TLSSocket(client, { isServer: true, key: tls.key, cert: tls.cert });
    const upstream = connect(routed, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    decrypted.pipe(upstream).pipe(decrypted);
    const end = () => {
      decrypted.destroy();
      upstream.destroy();
    };
    for (const socket of [decrypted, upstream, client]) socket.once('error', end);
    decrypted.once('close', end);
    upstream.once('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => [...connections],
    stop: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
