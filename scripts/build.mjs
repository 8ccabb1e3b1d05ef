// Builds what Twilio deploys: each function bundled into one self-contained CommonJS file
// (a deployed Function cannot require a sibling source file), and the assets beside them.
// npm packages stay external: Twilio installs `dependencies` from package.json for every Function.
// Also builds the Node host (build/host/server.js) that serves the same files anywhere else; it
// sits outside functions/ and assets/ so Twilio never deploys it.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'build');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const bundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...bundle,
  entryPoints: sources(join(root, 'functions')),
  outbase: join(root, 'functions'),
  outdir: join(out, 'functions'),
});

await build({
  ...bundle,
  entryPoints: [join(root, 'src', 'hosts', 'node', 'main.ts')],
  outfile: join(out, 'host', 'server.js'),
});

// The rtc-token command line, the package's bin: runnable as ./build/cli/rtc-token.js too.
await build({
  ...bundle,
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(out, 'cli', 'rtc-token.js'),
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(join(out, 'cli', 'rtc-token.js'), 0o755);

if (existsSync(join(root, 'assets'))) {
  // Dotfiles (.gitkeep) are repository plumbing, not assets to deploy.
  cpSync(join(root, 'assets'), join(out, 'assets'), {
    recursive: true,
    filter: (path) => !relative(root, path).split(/[\/]/).some((part) => part.startsWith('.')),
  });
}
// The page's script, compiled for browsers into the assets it is served with.
await build({
  entryPoints: [join(root, 'web', 'app.ts')],
  // Twilio's runtime answers / with the asset /assets/index.html, so the page lives under /assets/.
  outfile: join(out, 'assets', 'assets', 'app.js'),
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  format: 'iife',
  legalComments: 'none',
  logLevel: 'warning',
});

console.log(`built ${relative(root, out) || '.'}: functions/, assets/, host/server.js and cli/rtc-token.js`);
