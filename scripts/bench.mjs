// `npm run bench`: bundles bench/ (TypeScript) and the comparison apps beside the build and runs
// the benchmark. npm packages stay external so the libraries under test run exactly as installed.
// Where `taskset` exists the benchmark (and so the load generator) runs on CPU 0 and every server
// it starts on CPU 1, so the two do not compete for one core.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'build', 'bench');
const options = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', packages: 'external', logLevel: 'warning' };
await build({ ...options, entryPoints: [join(root, 'bench', 'main.ts')], outfile: join(out, 'main.js') });
for (const app of ['fastify-token', 'fastify-production-token', 'bare-token', 'cpu-probe', 'rs256-floor']) {
  await build({ ...options, entryPoints: [join(root, 'bench', 'apps', `${app}.ts`)], outfile: join(out, `${app}.js`) });
}
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const [command, args] = pinned
  ? ['taskset', ['-c', '0', process.execPath, join(out, 'main.js'), ...process.argv.slice(2)]]
  : [process.execPath, [join(out, 'main.js'), ...process.argv.slice(2)]];
const run = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, BENCH_PIN_SERVERS: pinned ? '1' : '' } });
process.exit(run.status ?? 1);
