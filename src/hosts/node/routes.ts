import { readFileSync } from 'node:fs';
import { Endpoint } from '../../core/endpoint';
import { EndpointEntry } from '../../core/endpoints';
import { ReadAsset } from '../../core/config/config';
import { Resource } from './resources';

/** What a URL path leads to. */
export type Route =
  | { kind: 'endpoint'; path: string; endpoint: () => Endpoint | Promise<Endpoint> }
  | { kind: 'asset'; file: string }
  | { kind: 'health' }
  | { kind: 'ready' };

/** Vonage Cloud Runtime probes `/_/health`; `/_/ready` follows the same convention. */
const healthPath = '/_/health';
const readyPath = '/_/ready';

/**
 * The route table, built once at start-up: every endpoint of the table, every public and
 * protected asset (Twilio's access checks cannot apply off Twilio), `/` for `/assets/index.html`
 * as Twilio's runtime answers it, and the probes. Private assets are never routed. A path claimed
 * twice stops start-up, as it stops a deploy.
 */
export function buildRoutes(endpoints: readonly EndpointEntry[], assets: readonly Resource[]): Map<string, Route> {
  const routes = new Map<string, Route>([[healthPath, { kind: 'health' }], [readyPath, { kind: 'ready' }]]);
  const add = (path: string, route: Route) => {
    if (routes.has(path)) throw new Error(`Two resources claim the path ${path}.`);
    routes.set(path, route);
  };
  for (const entry of endpoints) add(entry.path, { kind: 'endpoint', path: entry.path, endpoint: loadOnce(entry) });
  for (const asset of assets) {
    if (asset.access !== 'private') add(asset.path, { kind: 'asset', file: asset.file });
  }
  const index = routes.get('/assets/index.html');
  if (index && !routes.has('/')) routes.set('/', index);
  return routes;
}

/** The endpoint's code, loaded on first use and then handed out without waiting. */
function loadOnce(entry: EndpointEntry): () => Endpoint | Promise<Endpoint> {
  let loaded: Endpoint | undefined;
  let loading: Promise<Endpoint> | undefined;
  return () => loaded ?? (loading ??= entry.load().then((endpoint) => (loaded = endpoint)));
}

/** Private assets by path (e.g. the Vonage key at `/vonage-private.key`), read when configuration loads. */
export function privateAssetReader(assets: readonly Resource[]): ReadAsset {
  const files = new Map(assets.filter((asset) => asset.access === 'private').map((asset) => [asset.path, asset.file]));
  return (path) => {
    const file = files.get(path);
    return file === undefined ? undefined : readFileSync(file, 'utf8');
  };
}
