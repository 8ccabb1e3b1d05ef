// `npm run bench`: bundles bench/ (TypeScript) beside the build and runs it. npm packages stay
// external so the vendor libraries under test run exactly as installed.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'build', 'bench', 'main.js');
await build({
  entryPoints: [join(root, 'bench', 'main.ts')], outfile, bundle: true, platform: 'node', target: 'node20',
  format: 'cjs', packages: 'external', logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
