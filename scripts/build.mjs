// Builds what Twilio deploys: one Function per entry of the endpoint table
// (src/core/endpoints.ts), each bundled into one self-contained CommonJS file (a deployed Function
// cannot require a sibling source file), and the assets beside them. npm packages stay external:
// Twilio installs `dependencies` from package.json for every Function. Also builds the Node host
// (build/host/server.js), which serves the same endpoints anywhere else; it sits outside
// functions/ and assets/ so Twilio never deploys it.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'build');

/** A TypeScript module's exports, bundled in memory and evaluated here. */
async function loadModule(...path) {
  const { outputFiles } = await build({
    entryPoints: [join(root, ...path)], bundle: true, platform: 'node', format: 'cjs',
    packages: 'external', write: false, logLevel: 'warning',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

/** The endpoint table's paths, read from the table itself (its endpoints load lazily, so none runs). */
async function endpointPaths() {
  return (await loadModule('src', 'core', 'endpoints.ts')).endpoints.map((entry) => entry.path);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const bundle = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  packages: 'external',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

for (const path of await endpointPaths()) {
  const name = path.slice(1);
  await build({
    ...bundle,
    stdin: {
      contents: `import { twilioFunction } from './src/hosts/twilio-functions';\nexport const handler = twilioFunction(${JSON.stringify(path)});\n`,
      resolveDir: root,
      sourcefile: `functions/${name}.ts`,
      loader: 'ts',
    },
    outfile: join(out, 'functions', `${name}.js`),
  });
}

await build({
  ...bundle,
  entryPoints: [join(root, 'src', 'hosts', 'node', 'main.ts')],
  outfile: join(out, 'host', 'server.js'),
});

// `npm start`: twilio-run serving the Functions above, with the environment every local command sees.
await build({
  ...bundle,
  entryPoints: [join(root, 'src', 'hosts', 'twilio-run', 'start.ts')],
  outfile: join(out, 'start', 'start.js'),
});

// `npm run deploy`: the preflight, then twilio-run deploy. A development tool: it runs from a
// checkout, where twilio-run (a dev dependency) is installed.
await build({
  ...bundle,
  entryPoints: [join(root, 'src', 'deploy', 'main.ts')],
  outfile: join(out, 'deploy', 'deploy.js'),
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
// The browser module apps import (TokenSource and the SDK adapters), served at /rtc-token-client.js.
// Readable, not minified: developers read what they import; it is small either way. ES2022 keeps
// private fields native (every browser since 2021), where ES2020 would emulate them with WeakMaps.
await build({
  entryPoints: [join(root, 'web', 'rtc-token-client.ts')],
  outfile: join(out, 'assets', 'rtc-token-client.js'),
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
});
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

// The OpenAPI description, generated from the code it describes, served as a static asset by every
// host: it depends on no configuration, so Twilio serves it without invoking a Function.
const { openApiDocument } = await loadModule('src', 'core', 'openapi', 'document.ts');
writeFileSync(join(out, 'assets', 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);

console.log(`built ${relative(root, out) || '.'}: functions/, assets/ (with rtc-token-client.js and openapi.json), host/server.js, start/start.js, deploy/deploy.js and cli/rtc-token.js`);
