import { join } from 'node:path';
import { logEvent } from '../../core/log';
import { Problem } from '../../core/problem';
import { bufferConsoleOutput } from './console-output';
import { readHostConfig } from './host-config';
import { stopGracefullyOnSignals } from './lifecycle';
import { findAssets, findFunctions } from './resources';
import { buildRoutes } from './routes';
import { functionMap, installTwilioGlobals, privateAssetMap } from './runtime-globals';
import { createHostServer } from './server';

/**
 * Entry of `build/host/server.js`: serves the Functions and assets built beside it
 * (`build/functions`, `build/assets`) on 0.0.0.0, so the platform's proxy can reach it.
 */
function main(): void {
  bufferConsoleOutput();
  // Read once: configuration only changes with a new deployment, which starts a new process.
  const env = Object.freeze(Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  ));
  const { port, domainName } = readHostConfig(env);
  const functions = findFunctions(join(__dirname, '..', 'functions'));
  const assets = findAssets(join(__dirname, '..', 'assets'));

  const privateAssets = privateAssetMap(assets);
  installTwilioGlobals(privateAssets, functionMap(functions));
  const routes = buildRoutes(functions, assets, env);
  const readPrivateAsset = (path: string) => privateAssets[path]?.open();
  const server = createHostServer({ routes, host: { env, readPrivateAsset }, domainName });

  stopGracefullyOnSignals(server);
  server.once('error', failStart);
  server.listen(port, '0.0.0.0', () => {
    const address = server.address();
    logEvent({
      event: 'host_started',
      address: typeof address === 'object' && address ? `${address.address}:${address.port}` : address,
      functions: [...routes].filter(([, route]) => route.kind === 'function').map(([path]) => path),
    });
  });
}

/** A Problem's detail names variables, never values; other start-up errors are about files or the port. */
function failStart(error: unknown): never {
  const detail = error instanceof Problem ? error.message : String(error);
  logEvent({ event: 'host_start_failed', code: error instanceof Problem ? error.code : undefined, detail });
  process.exit(1);
}

try {
  main();
} catch (error) {
  failStart(error);
}
