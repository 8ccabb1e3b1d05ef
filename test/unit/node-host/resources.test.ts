import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAssets, findFunctions, serverlessPath } from '../../../src/hosts/node/resources';

describe('serverlessPath names files as twilio serverless:deploy does', () => {
  test.each([
    ['token.js', '.js', '/token', 'public'],
    ['admin/keys.protected.js', '.js', '/admin/keys', 'protected'],
    ['helpers.private.js', '.js', '/helpers', 'private'],
    ['index.html', undefined, '/index.html', 'public'],
    ['vonage-private.private.key', undefined, '/vonage-private.key', 'private'],
    ['img/logo.protected.png', undefined, '/img/logo.png', 'protected'],
    ['read me.txt', undefined, '/read-me.txt', 'public'],
  ])('%s → %s', (name, dropExtension, path, access) => {
    expect(serverlessPath(name, dropExtension)).toEqual({ path, access });
  });
});

describe('findFunctions and findAssets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'resources-'));
  mkdirSync(join(dir, 'functions', 'nested'), { recursive: true });
  mkdirSync(join(dir, 'assets'));
  for (const file of ['functions/a.js', 'functions/nested/b.private.js', 'functions/notes.md', 'assets/index.html', 'assets/k.private.key']) {
    writeFileSync(join(dir, file), '');
  }

  test('every .js file under the folder is a Function, nested ones included', () => {
    expect(findFunctions(join(dir, 'functions')).sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: '/a', access: 'public', file: join(dir, 'functions', 'a.js') },
      { path: '/nested/b', access: 'private', file: join(dir, 'functions', 'nested', 'b.private.js') },
    ]);
  });

  test('every file is an asset', () => {
    expect(findAssets(join(dir, 'assets')).sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: '/index.html', access: 'public', file: join(dir, 'assets', 'index.html') },
      { path: '/k.key', access: 'private', file: join(dir, 'assets', 'k.private.key') },
    ]);
  });
});
