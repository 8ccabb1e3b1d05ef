import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Config, use } from '../../core/config/config';
import { allowedMethods, corsHeaders, preflightHeaders } from '../../core/cors';
import { LogFields } from '../../core/log';
import { asProblem, Problem } from '../../core/problem';
import { checkMetricsAccess } from '../../core/metrics/access';
import { jsonReply, problemReply, Reply, replyText } from '../../core/reply';
import { ClientGone, Params, readHeader } from '../../core/request/params';
import { answerClientError } from './client-error';
import { readBody } from './request-body';
import { clientIp } from '../../core/request/client-ip';
import { mergeParams, parseBody, parseQuery } from '../../core/request/parse';
import { Service } from '../../core/service';
import type { InFlight } from './lifecycle';
import type { HostMetrics } from './metrics';
import { Route } from './routes';
import { sendAsset } from './static-asset';

/** What the server needs, all prepared at start-up. */
export interface HostApp {
  service: Service;
  routes: ReadonlyMap<string, Route>;
  readiness: () => Promise<Reply>;
  log: (fields: LogFields) => void;
  /** Told of every response as it starts and ends, for a graceful stop. */
  inFlight: InFlight;
  /** With `METRICS_TOKEN`: the series `/metrics` serves to a scraper that sends the token. */
  metrics?: { series: HostMetrics; token: string };
}

/** The methods Twilio's runtime routes to Functions; the same ones here. */
const routedMethods = new Set(['GET', 'POST', 'OPTIONS']);

/**
 * A 16 KB body needs well under a second on any real link; Node's 5-minute default would let a
 * client that trickles bytes hold a connection for that long.
 */
const requestTimeoutMs = 30_000;

/**
 * The Node host's HTTP server: maps each request to an endpoint of the core, an asset, a probe or
 * the metrics, answers preflights and every refusal in the endpoints' problem+json format, and
 * writes one log line per request, with the token fields on token routes. With metrics on, each
 * request is timed by route (a path of the route table, else `other`) and status class.
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
    // The request's log line, filled in as the request goes; its first members are set here so
    // every line starts in the same order.
    const fields: Record<string, unknown> = { event: 'http', method: req.method, path: target.path, status: null, duration_ms: 0 };
    const gone = new ClientWatch();
    const inFlight = app.inFlight.started(res);
    const handled = handle(req, res, target, app, fields, trustedHops, gone).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const problem = asProblem(error);
      fields.code = problem.code;
      if (!(error instanceof Problem)) fields.error = error instanceof Error ? error.name : typeof error;
      send(res, problemReply(problem, hostCors(req, config)));
    });
    // 'close' follows every answer, and a client that leaves early too: one line either way. For a
    // client that left, the line waits for the handler, so it says what became of the request
    // (its upstream calls stop at once: see TokenRequest.clientGone).
    res.on('close', () => {
      app.inFlight.ended(inFlight);
      const status = res.headersSent ? res.statusCode : null;
      const answered = res.writableFinished;
      if (!answered) gone.leave();
      const ms = performance.now() - started;
      app.metrics?.series.httpRequest(app.routes.has(target.path) ? target.path : 'other', status ?? undefined, ms / 1000);
      fields.status = status;
      fields.duration_ms = Math.round(ms * 100) / 100;
      if (answered) {
        app.log(fields);
        return;
      }
      void handled.then(() => {
        fields.aborted = true;
        app.log(fields);
      });
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

/**
 * Whether the client of one request has left: a connection that closes before the answer. Its
 * signal is made only when asked for (a token request's upstream call, or a refusal that asks
 * whether the client left), and the server's one 'close' listener per response fires it: a
 * controller for every request and a listener of its own cost 4% of a token request's CPU (measured).
 */
class ClientWatch implements ClientGone {
  private controller: AbortController | undefined;
  private left = false;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.left) this.controller.abort();
    }
    return this.controller.signal;
  }

  leave(): void {
    this.left = true;
    this.controller?.abort();
  }
}

async function handle(
  req: IncomingMessage, res: ServerResponse, target: Target, app: HostApp, fields: Record<string, unknown>, trustedHops: number, gone: ClientWatch,
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
    case 'metrics':
      return sendMetrics(req, res, app.metrics!);
    case 'endpoint': {
      let params: Params;
      let query: Params;
      try {
        query = parseQuery(target.query);
        params = mergeParams(query, parseBody(req.headers['content-type'], await readBody(req)));
      } catch (error) {
        // Refused before the endpoint saw it, but a refused token request all the same (a client
        // that left mid-body refused nothing).
        if (error instanceof Problem) {
          fields.outcome = 'refused';
          if (route.vendor !== undefined) app.service.metrics.tokenRefused(route.vendor, error.code);
        }
        throw error;
      }
      // Loaded at start-up: awaiting a value that is already there would cost a turn per request.
      const loaded = route.endpoint();
      const endpoint = loaded instanceof Promise ? await loaded : loaded;
      const ip = clientIp(req.socket.remoteAddress, readHeader(req.headers, 'x-forwarded-for'), trustedHops);
      const outcome = await endpoint({ params, query, headers: req.headers, clientIp: ip, clientGone: gone }, app.service);
      Object.assign(fields, outcome.log);
      return send(res, outcome.reply);
    }
  }
}

/** The exposition, for a scraper that sends the token; anyone else gets the 401 problem. */
async function sendMetrics(req: IncomingMessage, res: ServerResponse, metrics: NonNullable<HostApp['metrics']>): Promise<void> {
  checkMetricsAccess(req.headers, metrics.token);
  const { contentType, text } = await metrics.series.scrape();
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
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
