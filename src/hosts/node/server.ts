import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { allowedMethods, corsHeaders, preflightHeaders, readOriginPolicy } from '../../core/cors';
import { Host } from '../../core/endpoint';
import { logEvent } from '../../core/log';
import { asProblem, Problem } from '../../core/problem';
import { checkReadiness } from '../../core/readiness';
import { jsonReply, problemReply } from '../../core/reply';
import { readHeader } from '../../core/request/params';
import { Answer, replyAnswer, sendAnswer } from './answer';
import { buildEvent } from './event';
import { invokeFunction } from './invoke';
import { parseBody, readBody } from './request-body';
import { Route } from './routes';
import { sendAsset } from './static-asset';

export interface HostOptions {
  routes: ReadonlyMap<string, Route>;
  /** The variables read at start-up and the private assets, for CORS and readiness. */
  host: Host;
  /** `context.DOMAIN_NAME` when fixed by configuration; otherwise each request's Host. */
  domainName?: string;
}

/** The methods Twilio's runtime routes to Functions; anything else never reaches one. */
const routedMethods = new Set(['GET', 'POST', 'OPTIONS']);

/**
 * A 16 KB body needs well under a second on any real link; Node's 5-minute default would let a
 * client that trickles bytes hold a connection for that long.
 */
const requestTimeoutMs = 30_000;

/**
 * The Node host's HTTP server: routes each request to a Function, an asset or a probe, answers
 * preflights and every refusal itself in the Functions' problem+json format, and writes one
 * access-log line per request.
 */
export function createHostServer(options: HostOptions): Server {
  return createServer({ requestTimeout: requestTimeoutMs }, (req, res) => {
    const started = performance.now();
    const target = requestTarget(req.url ?? '/');
    // 'close' follows every answer, and a client that leaves early too: one line either way.
    res.once('close', () => logEvent({
      event: 'http', method: req.method, path: target.path, status: res.headersSent ? res.statusCode : null,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      ...(res.writableFinished ? {} : { aborted: true }),
    }));
    handle(req, res, target, options).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (!(error instanceof Problem)) {
        logEvent({ event: 'host_error', path: target.path, error: error instanceof Error ? error.name : typeof error });
      }
      sendAnswer(res, replyAnswer(problemReply(asProblem(error), hostCors(req, options.host))));
    });
  });
}

interface Target {
  /** The path as sent, without the query: the only part the access log may keep. */
  path: string;
  query: string;
}

/** Splits the request target as express does: no decoding or dot-segment folding, so paths match exactly. */
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

async function handle(req: IncomingMessage, res: ServerResponse, target: Target, options: HostOptions): Promise<void> {
  if (!routedMethods.has(req.method ?? '')) {
    throw new Problem('method_not_allowed', `Use ${allowedMethods}.`, { Allow: allowedMethods });
  }
  const route = options.routes.get(target.path);
  if (route === undefined) throw new Problem('not_found', 'Nothing is served at this path.');
  if (req.method === 'OPTIONS') return sendAnswer(res, preflight(req, options.host));

  switch (route.kind) {
    case 'health':
      return sendAnswer(res, replyAnswer(jsonReply(200, { status: 'ok' })));
    case 'ready':
      return sendAnswer(res, replyAnswer(await checkReadiness(options.host)));
    case 'asset':
      return sendAsset(res, route.file);
    case 'function': {
      const params = parseBody(req.headers['content-type'], await readBody(req));
      const event = buildEvent(req, target.query, params);
      const context = contextFor(route, options.domainName ?? req.headers.host ?? '');
      return sendAnswer(res, await invokeFunction(route.path, route.handler, context, event));
    }
  }
}

type FunctionRoute = Extract<Route, { kind: 'function' }>;

const lastContexts = new WeakMap<FunctionRoute, Record<string, unknown>>();

/**
 * The route's context with `DOMAIN_NAME`, reused while the domain stays the same (it nearly always
 * does): the Functions adapter reads a context's variables once per object, and rebuilding it for
 * every request cost 5% of the host's CPU under load (--cpu-prof). Only the last one is kept, so
 * varied Host headers cannot grow memory.
 */
function contextFor(route: FunctionRoute, domainName: string): Record<string, unknown> {
  const last = lastContexts.get(route);
  if (last?.DOMAIN_NAME === domainName) return last;
  const context = Object.freeze({ ...route.context, DOMAIN_NAME: domainName });
  lastContexts.set(route, context);
  return context;
}

/**
 * Twilio's runtime answers preflights before a Function runs; here the host does, by the same
 * `ALLOWED_ORIGINS` policy the Functions apply to their answers.
 */
function preflight(req: IncomingMessage, host: Host): Answer {
  const origin = readHeader(req.headers, 'origin');
  try {
    return { status: 204, headers: preflightHeaders(origin, readOriginPolicy(host.env)), body: '' };
  } catch (error) {
    return replyAnswer(problemReply(asProblem(error), { Vary: 'Origin' }));
  }
}

/** CORS headers for the host's own refusals, so a browser page can read why it was refused. */
function hostCors(req: IncomingMessage, host: Host): Record<string, string> {
  try {
    return corsHeaders(readHeader(req.headers, 'origin'), readOriginPolicy(host.env));
  } catch {
    return { Vary: 'Origin' };
  }
}
