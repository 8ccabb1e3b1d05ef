import { Env } from '../../core/config/env';
import { FunctionHandler } from './invoke';
import { Resource } from './resources';

/** What a URL path leads to. */
export type Route =
  | { kind: 'function'; path: string; handler: FunctionHandler; context: Readonly<Record<string, unknown>> }
  | { kind: 'asset'; file: string }
  | { kind: 'health' }
  | { kind: 'ready' };

/** Vonage Cloud Runtime probes `/_/health`; `/_/ready` follows the same convention. */
const healthPath = '/_/health';
const readyPath = '/_/ready';

/**
 * The route table, built once at start-up: every public and protected Function (protected ones
 * are served without Twilio's webhook signature check, which only Twilio can make), every public
 * asset, `/` for the asset `/assets/index.html` as Twilio's runtime answers it, and the health
 * and readiness probes. Private
 * Functions and assets are reachable only from code. Function modules are loaded here, once; the
 * Twilio globals must already be installed. A path claimed twice stops start-up, as it stops a deploy.
 */
export function buildRoutes(functions: readonly Resource[], assets: readonly Resource[], env: Env): Map<string, Route> {
  const routes = new Map<string, Route>([[healthPath, { kind: 'health' }], [readyPath, { kind: 'ready' }]]);
  const add = (path: string, route: Route) => {
    if (routes.has(path)) throw new Error(`Two resources claim the path ${path}.`);
    routes.set(path, route);
  };
  for (const fn of functions) {
    if (fn.access !== 'private') add(fn.path, { kind: 'function', path: fn.path, handler: loadHandler(fn), context: { ...env, PATH: fn.path } });
  }
  for (const asset of assets) {
    if (asset.access !== 'private') add(asset.path, { kind: 'asset', file: asset.file });
  }
  const index = routes.get('/assets/index.html');
  if (index && !routes.has('/')) routes.set('/', index);
  return routes;
}

function loadHandler(fn: Resource): FunctionHandler {
  const handler: unknown = require(fn.file).handler;
  if (typeof handler !== 'function') throw new Error(`${fn.file} exports no handler function.`);
  return handler as FunctionHandler;
}
