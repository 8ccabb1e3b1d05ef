import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Config, use } from '../../core/config/config';
import { allowedMethods, corsHeaders, preflightHeaders } from '../../core/cors';
import { LogFields } from '../../core/log';
import { asProblem, Problem } from '../../core/problem';
import { jsonReply, problemReply, Reply, replyText } from '../../core/reply';
import { Params, readHeader } from '../../core/request/params';
import { answerClientError } from './client-error';
import { readBody } from './request-body';
import { clientIp } from '../../core/request/client-ip';
import { mergeParams, parseBody, parseQuery } from '../../core/request/parse';
import { Service } from '../../core/service';
import { Route } from './routes';
import { sendAsset } from './static-asset';

/** What the server needs, all prepared at start-up. */
export interface HostApp {
  service: Service;
  routes: ReadonlyMap<string, Route>;
  readiness: () => Promise<Reply>;
  log: (fields: LogFields) => void;
}

/** The methods Twilio's runtime routes to Functions; the same ones here. */
const routedMethods = new Set(['GET', 'POST', 'OPTIONS']);

/**
 * A 16 KB body needs well under a second on any real link; Node's 5-minute default would let a
 * client that trickles bytes hold a connection for that long.
 */
const requestTimeoutMs = 30_000;

/**
 * The Node host's HTTP server: maps each request to an endpoint of the core, an asset or a probe,
 * answers preflights and every refusal in the endpoints' problem+json format, and writes one log
 * line per request, with the token fields on token routes.
 */
export function createHostServer(app: HostApp): Server {
  const { config } = app.service;
  // Start-up refused a broken configuration, so the limits part is there.
  const trustedHops = use(config.limits).trustProxy;
  let forwardingNoticed = trustedHops > 0;
  const server = createServer({ requestTimeout: requestTimeoutMs }, (req, res) => {
    const started = performance.now();
    if (!forwardingNoticed && req.headers['x-forwarded-for'] !== undefined) {
      forwardingNoticed = true;
      app.log(untrustedForwardingWarning);
    }
    const target = requestTarget(req.url ?? '/');
    const fields: Record<string, unknown> = {};
    // 'close' follows every answer, and a client that leaves early too: one line either way.
    res.on('close', () => app.log({
      event: 'http', method: req.method, path: target.path, status: res.headersSent ? res.statusCode : null,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      ...fields,
      ...(res.writableFinished ? {} : { aborted: true }),
    }));
    handle(req, res, target, app, fields, trustedHops).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const problem = asProblem(error);
      fields.code = problem.code;
      if (!(error instanceof Problem)) fields.error = error instanceof Error ? error.name : typeof error;
      send(res, problemReply(problem, hostCors(req, config)));
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const code = answerClientError(error, socket);
    if (code !== undefined) app.log({ event: 'http', status: null, code });
  });
  return server;
}

/**
 * Logged once per process: a request came through a proxy (it carries X-Forwarded-For) while
 * TRUST_PROXY is 0, so the socket address is the proxy's and every client shares its limit bucket:
 * the whole service then gets RATE_LIMIT_IP requests a minute. The header alone proves nothing
 * (any client can send it), which is why this warns and changes nothing.
 */
const untrustedForwardingWarning = {
  level: 'warn', event: 'trust_proxy_unset',
  message: 'A request carries X-Forwarded-For but TRUST_PROXY is 0: if a proxy sits in front of this host, every client '
    + 'counts as its address and shares one RATE_LIMIT_IP bucket. Set TRUST_PROXY to the number of proxies that append to X-Forwarded-For.',
} as const;

interface Target {
  /** The path as sent, without the query: the only part the log may keep. */
  path: string;
  query: string;
}

/** Splits the request target without decoding or folding dot segments, so paths match exactly. */
function requestTarget(url: string): Target {
  if (!url.startsWith('/')) {
    try {
      const absolute = new URL(url);
      return { path: absolute.pathname, query: absolute.search.slice(1) };
    } catch {
      return { path: url, query: '' };
    }
  }
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: '' } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

async function handle(
  req: IncomingMessage, res: ServerResponse, target: Target, app: HostApp, fields: Record<string, unknown>, trustedHops: number,
): Promise<void> {
  if (!routedMethods.has(req.method ?? '')) {
    throw new Problem('method_not_allowed', `Use ${allowedMethods}.`, { Allow: allowedMethods });
  }
  const route = app.routes.get(target.path);
  if (route === undefined) throw new Problem('not_found', 'Nothing is served at this path.');
  if (req.method === 'OPTIONS') return send(res, preflight(req, app.service.config));

  switch (route.kind) {
    case 'health':
      return send(res, jsonReply(200, { status: 'ok' }));
    case 'ready':
      return send(res, await app.readiness());
    case 'asset':
      // Readable by the pages the endpoints answer: an app on another origin imports /rtc-token-client.js
      // as a module, which browsers fetch in CORS mode.
      return sendAsset(res, route.file, hostCors(req, app.service.config));
    case 'endpoint': {
      let params: Params;
      try {
        params = mergeParams(parseQuery(target.query), parseBody(req.headers['content-type'], await readBody(req)));
      } catch (error) {
        // Refused before the endpoint saw it, but a refused token request all the same (a client
        // that left mid-body refused nothing).
        if (error instanceof Problem) fields.outcome = 'refused';
        throw error;
      }
      // Loaded at start-up: awaiting a value that is already there would cost a turn per request.
      const loaded = route.endpoint();
      const endpoint = loaded instanceof Promise ? await loaded : loaded;
      const ip = clientIp(req.socket.remoteAddress, readHeader(req.headers, 'x-forwarded-for'), trustedHops);
      const outcome = await endpoint({ params, headers: req.headers, clientIp: ip }, app.service);
      Object.assign(fields, outcome.log);
      return send(res, outcome.reply);
    }
  }
}

/** Writes a reply in one go; 204 carries no body by definition. */
function send(res: ServerResponse, reply: Reply): void {
  const body = reply.status === 204 ? '' : replyText(reply);
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Twilio's runtime answers preflights before a Function runs; here the host does, by the same
 * `ALLOWED_ORIGINS` policy the endpoints apply to their answers.
 */
function preflight(req: IncomingMessage, config: Config): Reply {
  if (config.cors instanceof Problem) return problemReply(config.cors, { Vary: 'Origin' });
  return { status: 204, headers: preflightHeaders(readHeader(req.headers, 'origin'), config.cors), body: {} };
}

/** CORS headers for the host's own refusals, so a browser page can read why it was refused. */
function hostCors(req: IncomingMessage, config: Config): Record<string, string> {
  return config.cors instanceof Problem ? { Vary: 'Origin' } : corsHeaders(readHeader(req.headers, 'origin'), config.cors);
}
