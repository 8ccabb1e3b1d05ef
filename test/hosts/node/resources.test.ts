import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAssets, serverlessPath } from '../../../src/hosts/node/resources';

describe('serverlessPath names files as twilio serverless:deploy does', () => {
  test.each([
    ['index.html', '/index.html', 'public'],
    ['vonage-private.private.key', '/vonage-private.key', 'private'],
    ['img/logo.protected.png', '/img/logo.png', 'protected'],
    ['read me.txt', '/read-me.txt', 'public'],
  ])('%s → %s', (name, path, access) => {
    expect(serverlessPath(name)).toEqual({ path, access });
  });
});

describe('findAssets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resources-'));
  mkdirSync(join(dir, 'assets', 'nested'), { recursive: true });
  for (const file of ['assets/index.html', 'assets/k.private.key', 'assets/nested/app.js']) writeFileSync(join(dir, file), '');

  test('every file is an asset, nested ones included', () => {
    expect(findAssets(join(dir, 'assets')).sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: '/index.html', access: 'public', file: join(dir, 'assets', 'index.html') },
      { path: '/k.key', access: 'private', file: join(dir, 'assets', 'k.private.key') },
      { path: '/nested/app.js', access: 'public', file: join(dir, 'assets', 'nested', 'app.js') },
    ]);
  });
});
