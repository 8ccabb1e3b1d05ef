import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndpointEntry } from '../../../src/core/endpoints';
import { assetPath, buildRoutes, findAssets, privateAssetReader } from '../../../src/hosts/node/routes';

describe('assetPath names files as twilio serverless:deploy does', () => {
  test.each([
    ['index.html', '/index.html', false],
    ['vonage-private.private.key', '/vonage-private.key', true],
    ['img/logo.protected.png', '/img/logo.png', false],
    ['read me.txt', '/read-me.txt', false],
  ])('%s → %s', (name, path, isPrivate) => {
    expect(assetPath(name)).toEqual({ path, private: isPrivate });
  });
});

describe('assets and routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assets-'));
  mkdirSync(join(dir, 'assets'), { recursive: true });
  for (const [file, text] of [['assets/index.html', '<p>hi</p>'], ['k.private.key', 'secret key'], ['app.js', '']]) writeFileSync(join(dir, file), text);
  const assets = findAssets(dir);
  const endpoint: EndpointEntry = { path: '/token', vendor: 'twilio', load: () => Promise.reject(new Error('not loaded in this test')) };

  test('every file is an asset, nested ones included', () => {
    expect(assets.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: '/app.js', private: false, file: join(dir, 'app.js') },
      { path: '/assets/index.html', private: false, file: join(dir, 'assets', 'index.html') },
      { path: '/k.key', private: true, file: join(dir, 'k.private.key') },
    ]);
  });

  test('routes endpoints, public assets, / and the probes; never a private asset', () => {
    const routes = buildRoutes([endpoint], assets);
    expect([...routes.keys()].sort()).toEqual(['/', '/_/health', '/_/ready', '/app.js', '/assets/index.html', '/token']);
    expect(routes.get('/')).toEqual({ kind: 'asset', file: join(dir, 'assets', 'index.html') });
    expect(routes.get('/token')).toMatchObject({ kind: 'endpoint' });
  });

  test('/metrics is a route only when metrics are on, and then no asset may claim it', () => {
    expect(buildRoutes([endpoint], []).has('/metrics')).toBe(false);
    expect(buildRoutes([endpoint], [], { metrics: true }).get('/metrics')).toEqual({ kind: 'metrics' });
    expect(() => buildRoutes([endpoint], [{ path: '/metrics', private: false, file: '/tmp/metrics' }], { metrics: true }))
      .toThrow('Two resources claim the path /metrics.');
  });

  test('a path claimed twice stops start-up', () => {
    expect(() => buildRoutes([endpoint, endpoint], [])).toThrow('Two resources claim the path /token.');
  });

  test('private assets are read by path for the configuration', () => {
    const read = privateAssetReader(assets);
    expect(read('/k.key')).toBe('secret key');
    expect(read('/app.js')).toBeUndefined();
  });
});
