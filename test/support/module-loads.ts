import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './server';

/**
 * The npm packages a fresh Node process has loaded after requiring `entry` (a source file,
 * bundled as the build bundles it, packages left external) and running `use` on its exports.
 * Shows whether a heavy dependency is loaded only when a code path needs it.
 *
 * @example await packagesLoadedBy('src/core/state/config.ts') // []
 */
export async function packagesLoadedBy(entry: string, use = ''): Promise<string[]> {
  // Inside the checkout, so the bundle's require() finds the project's node_modules.
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test-artifacts', 'module-loads-'));
  try {
    const bundle = join(dir, 'entry.js');
    await build({ entryPoints: [join(root, entry)], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning' });
    const script = `
      const exported = require(${JSON.stringify(bundle)});
      Promise.resolve((async () => { ${use} })()).then(() => {
        const packages = new Set();
        for (const file of Object.keys(require.cache)) {
          const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
          if (match) packages.add(match[1].replace(/\\\\/g, '/'));
        }
        console.log(JSON.stringify([...packages].sort()));
      });`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
