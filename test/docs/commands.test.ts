import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/server';

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<'scripts' | 'bin' | 'dependencies' | 'devDependencies', Record<string, string>>;

/**
 * Each `npm run X`, `npm start` and `npm test` a page shows, with where it shows it. A script name
 * may hold colons but not end in one: `npm run deploy: not deployed` is the command's own output.
 */
function npmScriptsShown(): Array<{ page: string; script: string }> {
  return pages.flatMap((page) => [...readFileSync(join(root, page), 'utf8').matchAll(/\bnpm (?:run ([\w:.-]*[\w.-])|(start|test)\b)/g)]
    .map((match) => ({ page, script: match[1] ?? match[2] })));
}

function npxCommandsShown(): Array<{ page: string; command: string }> {
  return pages.flatMap((page) => [...readFileSync(join(root, page), 'utf8').matchAll(/\bnpx (?!-)([\w.-]+)/g)]
    .map((match) => ({ page, command: match[1] })));
}

describe('commands the docs show', () => {
  test('every npm script the README and docs/ show exists in package.json', () => {
    const shown = npmScriptsShown();
    expect(shown.map(({ script }) => script)).toEqual(expect.arrayContaining(['start', 'test', 'deploy']));
    expect(shown.filter(({ script }) => !(script in manifest.scripts))).toEqual([]);
  });

  test('every npx command the docs show is this package\'s bin or one of its dependencies', () => {
    const provided = { ...manifest.bin, ...manifest.dependencies, ...manifest.devDependencies };
    const shown = npxCommandsShown();
    expect(shown.map(({ command }) => command)).toContain('rtc-token');
    expect(shown.filter(({ command }) => !(command in provided))).toEqual([]);
  });
});
