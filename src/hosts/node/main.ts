import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openAccessWarning } from '../../core/auth/open-access';
import { configProblems, loadConfig, use } from '../../core/config/config';
import { Env } from '../../core/config/env';
import { withEnvFile } from '../../core/config/env-file';
import { endpoints } from '../../core/endpoints';
import { logLine } from '../../core/log';
import { Problem } from '../../core/problem';
import { createReadiness } from '../../core/readiness';
import { startService, stopService } from '../../core/service';
import { listenProblem, readHostConfig } from './host-config';
import { InFlight, stopGracefullyOnSignals } from './lifecycle';
import { LogStream } from './log-stream';
import { createHostMetrics } from './metrics';
import { buildRoutes, findAssets, privateAssetReader, Route } from './routes';
import { createHostServer } from './server';

/**
 * Entry of `build/host/server.js`: validates the configuration once, then serves the endpoint
 * table and the assets built beside it (`build/assets`). A configuration that is set but broken
 * stops start-up with one line naming the variable.
 *
 * Platforms (Vonage Cloud Runtime, containers) hand it the environment and nothing else. On a
 * developer's machine `--dotenv` (what `npm run serve` passes) adds `.env` under the environment,
 * or `--env <file>` that file, by the rule `npm start` and `rtc-token` follow too.
 */
function main(): void {
  loadEnvFile(process.argv.slice(2));
  // Debug output that prints secrets stays off even under DEBUG=*, set before anything loads the
  // debug module: the Vonage SDKs print each request's headers (bearer JWTs included) and ioredis
  // each command with its arguments (the AUTH password included).
  if (process.env.DEBUG) process.env.DEBUG += ',-vonage*,-ioredis*';
  // Read once: configuration only changes with a new deployment, which starts a new process.
  const env: Env = Object.freeze({ ...process.env });
  const hostConfig = readHostConfig(env);
  const assets = findAssets(join(__dirname, '..', 'assets'));
  const config = loadConfig(env, privateAssetReader(assets));
  const [problem] = configProblems(config);
  if (problem !== undefined) failStart(problem);

  const log = new LogStream(process.stdout);
  const warning = openAccessWarning(config);
  if (warning !== undefined) log.write(warning);
  // Start-up refused a broken METRICS_TOKEN, so the metrics part is there.
  const { token } = use(config.metrics);
  const metrics = token === undefined ? undefined : { series: createHostMetrics(), token };
  const service = startService(config, { onStoreHealth: (event) => log.write(event), metrics: metrics?.series.counters });
  metrics?.series.watch(service);
  const readiness = createReadiness(service);
  const routes = buildRoutes(endpoints, assets, { metrics: metrics !== undefined });
  const inFlight = new InFlight();
  const server = createHostServer({ service, routes, readiness, log: (fields) => log.write(fields), inFlight, metrics });

  stopGracefullyOnSignals(server, inFlight, log, () => stopService(service));
  server.once('error', (error: NodeJS.ErrnoException) => failStart(listenProblem(error, hostConfig)));
  server.listen(hostConfig.port, hostConfig.hostname, () => {
    const address = server.address();
    log.write({
      event: 'host_started',
      address: typeof address === 'object' && address ? `${address.address}:${address.port}` : address,
      endpoints: endpoints.map((entry) => entry.path),
      vendors: config.vendors,
    });
    void warmUp(endpoints.filter((entry) => entry.vendor === undefined || config.vendors.includes(entry.vendor)).map((entry) => routes.get(entry.path)!), readiness);
  });
}

/**
 * With `--dotenv` or `--env <file>`, the file's variables join the environment, as `node --env-file`
 * would add them: before anything reads one (Node reads UV_THREADPOOL_SIZE, the debug module DEBUG).
 */
function loadEnvFile(args: string[]): void {
  let values: { dotenv?: boolean; env?: string };
  try {
    ({ values } = parseArgs({ args, options: { dotenv: { type: 'boolean' }, env: { type: 'string' } }, strict: true }));
  } catch (error) {
    // Node's first sentence names the option ("Unknown option '--x'"); the rest is advice about `--`.
    const mistake = (error as Error).message.split(/(?<=\.) /)[0].replace(/\.$/, '');
    throw new Error(`${mistake}. Options: --dotenv (read .env) or --env <file>.`);
  }
  if (values.dotenv || values.env !== undefined) Object.assign(process.env, withEnvFile(process.env, process.cwd(), values.env));
}

/**
 * Loads what the configured endpoints need and runs the readiness checks now rather than on the
 * first request, one module at a time, so requests already waiting are answered between loads
 * (jose alone takes ~50 ms to load). Two turns of the event loop between loads: a connection
 * accepted in one turn has its request read in the next.
 */
async function warmUp(routes: readonly Route[], readiness: () => Promise<unknown>): Promise<void> {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (const route of routes) {
    if (route.kind === 'endpoint') await route.endpoint();
    await turn();
    await turn();
  }
  await readiness();
}

/** One line on stderr, written synchronously before exiting: a Problem names variables, never values. */
function failStart(error: unknown): never {
  const fields = error instanceof Problem
    ? { event: 'host_start_failed', code: error.code, detail: error.message }
    : { event: 'host_start_failed', detail: error instanceof Error ? error.message : String(error) };
  writeSync(2, `${logLine(fields)}\n`);
  process.exit(1);
}

try {
  main();
} catch (error) {
  failStart(error);
}
