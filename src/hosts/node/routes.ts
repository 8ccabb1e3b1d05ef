import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, posix, relative, sep } from 'node:path';
import { ReadAsset } from '../../core/config/config';
import { Endpoint } from '../../core/endpoint';
import { Vendor } from '../../core/config/config';
import { EndpointEntry } from '../../core/endpoints';

/** What a URL path leads to. */
export type Route =
  | { kind: 'endpoint'; vendor?: Vendor; endpoint: () => Endpoint | Promise<Endpoint> }
  | { kind: 'asset'; file: string }
  | { kind: 'health' }
  | { kind: 'ready' }
  | { kind: 'metrics' };

/** An asset file with the URL path and access Twilio gives it. */
export interface Asset {
  path: string;
  private: boolean;
  file: string;
}

/**
 * The URL path and access `twilio serverless:deploy` derives from an asset's name relative to its
 * folder: `.private`/`.protected` before the extension set the access and are dropped, whitespace
 * becomes `-`. Protected assets are served as public off Twilio, where its signature check cannot apply.
 *
 * @example assetPath('keys/vonage.private.key') // { path: '/keys/vonage.key', private: true }
 */
export function assetPath(name: string): { path: string; private: boolean } {
  const ext = extname(name);
  const base = basename(name, ext).replace(/\.(private|protected)$/, '');
  const path = posix.join('/', posix.dirname(name.split(sep).join('/')), base) + ext;
  return { path: path.replace(/\s/g, '-'), private: name.endsWith(`.private${ext}`) };
}

/** Every file under `dir`, nested ones included, as an asset. */
export function findAssets(dir: string): Asset[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((file) => ({ ...assetPath(relative(dir, file)), file }));
}

/**
 * The route table, built once at start-up: every endpoint of the table, every public asset, `/`
 * for `/assets/index.html` as Twilio's runtime answers it, the probes Vonage Cloud Runtime and
 * orchestrators call and, with `metrics`, `/metrics` for Prometheus on the same port (Vonage Cloud
 * Runtime exposes only one). A path claimed twice stops start-up, as it stops a deploy.
 */
export function buildRoutes(endpoints: readonly EndpointEntry[], assets: readonly Asset[], options: { metrics?: boolean } = {}): Map<string, Route> {
  const routes = new Map<string, Route>([['/_/health', { kind: 'health' }], ['/_/ready', { kind: 'ready' }]]);
  if (options.metrics) routes.set('/metrics', { kind: 'metrics' });
  const add = (path: string, route: Route) => {
    if (routes.has(path)) throw new Error(`Two resources claim the path ${path}.`);
    routes.set(path, route);
  };
  for (const entry of endpoints) add(entry.path, { kind: 'endpoint', vendor: entry.vendor, endpoint: loadOnce(entry) });
  for (const asset of assets) if (!asset.private) add(asset.path, { kind: 'asset', file: asset.file });
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

/** Private assets by path (the Vonage key at `/vonage-private.key`), for loading the configuration. */
export function privateAssetReader(assets: readonly Asset[]): ReadAsset {
  const files = new Map(assets.filter((asset) => asset.private).map((asset) => [asset.path, asset.file]));
  return (path) => {
    const file = files.get(path);
    return file === undefined ? undefined : readFileSync(file, 'utf8');
  };
}
