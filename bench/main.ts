import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { RedisCluster, startRedis, startRedisCluster } from '../test/support/redis';
import { buildDir, root } from '../test/support/server';
import { ask, coldStarts, Floor, HttpFigures, interleave, Interleaved, measureTwilioRun, requireCosts, rssMiB, spawnPinned, startServer } from './http';
import { benchEnv, benchTwilioMint, benchVonageMint, vonageSigningInput } from './mint';
import { pairedRatio } from './stats';

interface Target {
  name: string;
  /** Undefined when a figure it needs could not be measured: reported as missing, never as met. */
  ratio: number | undefined;
  target: string;
  met: boolean | undefined;
}

const hostScript = join(buildDir, 'host', 'server.js');
const fastifyScript = join(buildDir, 'bench', 'fastify-token.js');
const productionScript = join(buildDir, 'bench', 'fastify-production-token.js');
const bareScript = join(buildDir, 'bench', 'bare-token.js');
const rs256FloorScript = join(buildDir, 'bench', 'rs256-floor.js');
/** Turns /metrics on; the bench never scrapes, so what it measures is the counting on the token path. */
const benchMetricsToken = 'bench-metrics-token-0123456789';

/**
 * `npm run bench [-- --quick]`: minting against the vendor libraries and the raw crypto floor;
 * HTTP for the Node host against its own health route, what a user would pick instead (the Fastify
 * app they would put in production, and a minimal one, minting the same token) and twilio-run,
 * with each server's CPU per request; `/vonage-token` against the CPU of one raw RS256 signature;
 * cold start against a bare node:http app; memory. All in one run, routes interleaved round by
 * round, and every ratio between them the median of its rounds' ratios, so the ratios compare like
 * with like on a noisy machine.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 2 : 5;
  const secondsPerRound = quick ? 1 : 2;
  // Limits counted on every request (as deployed) but never reached: one client, one identity.
  const env = { ...benchEnv(), RATE_LIMIT_IP: '1000000', RATE_LIMIT_IDENTITY: '1000000' };
  const pinned = process.env.BENCH_PIN_SERVERS === '1';

  const cold = await coldStarts({
    host: () => startServer(hostScript, env),
    bare: () => startServer(bareScript, env),
  }, quick ? 3 : 9);
  const requireMs = requireCosts({
    tokenFunction: join(buildDir, 'functions', 'token.js'),
    accessToken: 'twilio/lib/jwt/AccessToken',
  }, quick ? 3 : 9, root);
  const twilioMint = await benchTwilioMint(env, quick);
  const vonageMint = await benchVonageMint(env, quick);

  const host = await startServer(hostScript, env);
  const fastify = await startServer(fastifyScript, env);
  const production = await startServer(productionScript, env);
  // The same host with /metrics on: every request timed, every token counted, as a scraped deployment runs.
  const metered = await startServer(hostScript, { ...env, METRICS_TOKEN: benchMetricsToken });
  const rs256Floor = await startRs256Floor(env);
  let measured: Interleaved;
  let memory: { afterFirstMiB: number; afterSecondMiB: number };
  try {
    measured = await interleave([
      { name: 'hostToken', url: `${host.url}/token?identity=alice`, server: host },
      { name: 'hostHealth', url: `${host.url}/_/health`, server: host },
      { name: 'fastifyToken', url: `${fastify.url}/token?identity=alice`, server: fastify },
      { name: 'productionToken', url: `${production.url}/token?identity=alice`, server: production },
      { name: 'hostVonage', url: `${host.url}/vonage-token?identity=alice`, server: host },
      { name: 'meteredToken', url: `${metered.url}/token?identity=alice`, server: metered },
    ], rounds, secondsPerRound, [rs256Floor]);
    const pid = host.process.pid!;
    const afterFirstMiB = rssMiB(pid);
    await interleave([
      { name: 'hostToken', url: `${host.url}/token?identity=alice` },
      { name: 'hostVonage', url: `${host.url}/vonage-token?identity=alice` },
    ], rounds, secondsPerRound);
    memory = { afterFirstMiB, afterSecondMiB: rssMiB(pid) };
  } finally {
    await Promise.all([host.stop(), fastify.stop(), production.stop(), metered.stop(), rs256Floor.stop()]);
  }
  const twilioRun = await measureTwilioRun(env, quick ? 2 : 10);
  const redisStore = await measureRedisStore(env, rounds, secondsPerRound);

  const http = measured.routes;
  const rs256Cpu = measured.floors[rs256Floor.name];
  const { hostToken, hostHealth, fastifyToken, productionToken, hostVonage, meteredToken } = http;
  // Ratios between routes are taken round by round, each of a pair measured seconds from the other.
  const perRound = (figures: Record<string, HttpFigures[]>, name: string) => ({
    cpu: figures[name].map((figure) => figure.serverCpuMicroseconds),
    rate: figures[name].map((figure) => figure.requestsPerSecond),
    p99: figures[name].map((figure) => figure.p99Ms),
  });
  const round = (name: string) => perRound(measured.rounds.routes, name);
  const rs256PerSecond = 1e6 / vonageMint.rs256Floor;
  const target = (name: string, ratio: number | undefined, bound: string, met: (ratio: number) => boolean): Target =>
    ({ name, ratio, target: bound, met: ratio === undefined || Number.isNaN(ratio) ? undefined : met(ratio) });
  const targets = [
    target('host /token vs production Fastify app (CPU/request)', pairedRatio(round('hostToken').cpu, round('productionToken').cpu), '≤ 0.6×', (r) => r <= 0.6),
    target('host /token vs minimal Fastify app (CPU/request)', pairedRatio(round('hostToken').cpu, round('fastifyToken').cpu), '≤ 1.2×', (r) => r <= 1.2),
    target('Twilio mint vs raw HMAC floor', twilioMint.project / twilioMint.hmacFloor, '≤ 3×', (r) => r <= 3),
    target('host /vonage-token vs one raw RS256 signature (CPU)', pairedRatio(round('hostVonage').cpu, measured.rounds.floors[rs256Floor.name]), '≤ 1.3×', (r) => r <= 1.3),
    target('stock AccessToken path vs Twilio mint', twilioMint.stock / twilioMint.project, '≥ 15×', (r) => r >= 15),
    target('Vonage mint vs one raw RS256 signature', vonageMint.project / vonageMint.rs256Floor, '≤ 1.2×', (r) => r <= 1.2),
    target('host /token vs its /_/health (req/s)', pairedRatio(round('hostToken').rate, round('hostHealth').rate), '≥ 0.6×', (r) => r >= 0.6),
    target('host /token vs minimal Fastify app (req/s)', pairedRatio(round('hostToken').rate, round('fastifyToken').rate), '≥ 1.0×', (r) => r >= 1),
    target('host /token p99 vs minimal Fastify app p99', pairedRatio(round('hostToken').p99, round('fastifyToken').p99), '≤ 1.0×', (r) => r <= 1),
    target('host cold start vs bare node:http app', cold.host / cold.bare, '≤ 1.2×', (r) => r <= 1.2),
    target('require token.js vs require AccessToken', requireMs.tokenFunction / requireMs.accessToken, '≤ 1.3×', (r) => r <= 1.3),
    target('host /token vs twilio-run /token (req/s)', twilioRun && hostToken.requestsPerSecond / twilioRun.requestsPerSecond, '≥ 10×', (r) => r >= 10),
    target('host /vonage-token vs raw RS256 signatures/s', hostVonage.requestsPerSecond / rs256PerSecond, '≥ 0.6×', (r) => r >= 0.6),
    target('host /token with metrics vs without (req/s)', pairedRatio(round('meteredToken').rate, round('hostToken').rate), '≥ 0.95×', (r) => r >= 0.95),
  ];
  const storeRound = (name: string) => perRound(redisStore!.rounds, name);
  const stateStoreRatio = redisStore && pairedRatio(storeRound('redis').rate, storeRound('memory').rate);
  const clusterRatio = redisStore?.cluster && pairedRatio(storeRound('cluster').rate, storeRound('redis').rate);
  const meteredCpuRatio = pairedRatio(round('meteredToken').cpu, round('hostToken').cpu);

  const results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, serversPinnedToCpu1: pinned },
    quick,
    mintMicroseconds: { twilio: twilioMint, vonage: vonageMint },
    http: {
      rounds, secondsPerRound, connections: 10, host: { token: hostToken, health: hostHealth, vonageToken: hostVonage, tokenWithMetrics: meteredToken },
      fastify: { token: fastifyToken }, fastifyProduction: { token: productionToken }, twilioRun: twilioRun ?? null,
      rs256PerSecond, rs256CpuMicroseconds: rs256Cpu ?? null, stateStore: redisStore ?? null, byRound: measured.rounds,
    },
    stateStoreRatio: stateStoreRatio ?? null,
    clusterRatio: clusterRatio ?? null,
    metricsCpuRatio: meteredCpuRatio ?? null,
    coldStartMs: cold,
    requireMs,
    memory: { ...memory, growthMiB: memory.afterSecondMiB - memory.afterFirstMiB },
    targets,
  };

  const f = (value: number, digits = 1) => value.toFixed(digits);
  const route = (figures: HttpFigures) => [`${f(figures.requestsPerSecond, 0)} req/s`,
    `p50 ${f(figures.p50Ms, 2)} ms · p99 ${f(figures.p99Ms, 2)} ms${figures.serverCpuMicroseconds === undefined ? '' : ` · server CPU ${f(figures.serverCpuMicroseconds, 0)} µs/request`}${figures.non2xx ? ` · ${figures.non2xx} non-2xx` : ''}`];
  const rows: string[][] = [
    ['Twilio mint (video+chat+voice)', `${f(twilioMint.project, 2)} µs`, `stock ${f(twilioMint.stock, 1)} µs · HMAC floor ${f(twilioMint.hmacFloor, 2)} µs`],
    ['Vonage client mint', `${f(vonageMint.project, 0)} µs`, `tokenGenerate ${f(vonageMint.vonageJwt, 0)} µs · RS256 floor ${f(vonageMint.rs256Floor, 0)} µs`],
    ['Node host /token', ...route(hostToken)],
    ['Node host /_/health', ...route(hostHealth)],
    ['Fastify app /token, production', ...route(productionToken)],
    ['Fastify app /token, minimal', ...route(fastifyToken)],
    ['Node host /vonage-token', ...route(hostVonage)],
    ['One raw RS256 signature (CPU)', rs256Cpu === undefined ? 'MISSING' : `${f(rs256Cpu, 0)} µs`, 'synchronous crypto.sign in a loop, same key, a pinned process'],
    ['Node host /token, METRICS_TOKEN set', ...route(meteredToken)],
    ['twilio-run /token (npm start)', ...(twilioRun ? route(twilioRun) : ['MISSING', 'no successful answer: not measured'])],
    ['Node host /token, STATE_STORE=memory', ...(redisStore ? route(redisStore.memory) : ['MISSING', 'not measured'])],
    ['Node host /token, STATE_STORE=redis', ...(redisStore ? route(redisStore.redis) : ['MISSING', 'redis-server could not be started: not measured'])],
    ['Node host /token, 3-master Redis Cluster', ...(redisStore?.cluster ? route(redisStore.cluster) : ['MISSING', 'the cluster could not be made: not measured'])],
    ['/token server CPU, metrics on vs off', meteredCpuRatio === undefined ? 'MISSING' : `${f(meteredCpuRatio, 2)}×`, 'interleaved; CPU per answered request, same host build, round by round'],
    ['/token req/s, redis vs memory', stateStoreRatio === undefined ? 'MISSING' : `${f(stateStoreRatio, 2)}×`, 'interleaved, round by round; the limits counted in each store'],
    ['/token req/s, cluster vs one redis', clusterRatio === undefined ? 'MISSING' : `${f(clusterRatio, 2)}×`, 'interleaved, round by round; the same two keys per request'],
    ['Cold start to first /token 200', `${f(cold.host, 0)} ms`, `bare node:http app ${f(cold.bare, 0)} ms (medians)`],
    ['require(build/functions/token.js)', `${f(requireMs.tokenFunction, 1)} ms`, `require('twilio/lib/jwt/AccessToken') ${f(requireMs.accessToken, 1)} ms (medians, fresh processes)`],
    ['Node host RSS after 2 equal runs', `${f(memory.afterFirstMiB)} → ${f(memory.afterSecondMiB)} MiB`, `growth ${f(results.memory.growthMiB)} MiB`],
    ...targets.map((t) => [t.name, t.met === undefined ? 'MISSING' : `${f(t.ratio!, 2)}×`,
      `${t.met === undefined ? '' : t.met ? '✔ ' : '✘ '}target ${t.target}${t.met === undefined ? ', not measured' : ''}`]),
  ];
  const width = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node}${pinned ? ', servers on CPU 1, load on CPU 0' : ''}${quick ? ' (--quick)' : ''}\n`);
  for (const row of rows) console.log(`${row[0].padEnd(width[0])}  ${row[1].padStart(width[1])}  ${row[2]}`);

  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, quick ? 'bench-quick.json' : 'bench.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nAll figures: ${file}`);
}

/** The RS256 floor's process (bench/apps/rs256-floor.ts), pinned as the servers are, as one more measure in the rounds. */
async function startRs256Floor(env: ReturnType<typeof benchEnv>): Promise<Floor & { stop(): Promise<void> }> {
  const child = spawnPinned([rs256FloorScript], { VONAGE_PRIVATE_KEY: env.VONAGE_PRIVATE_KEY, BENCH_SIGNING_INPUT: await vonageSigningInput(env) });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: 'rs256',
    run: async (seconds) => (await ask<{ cpuMicrosecondsPerSignature: number }>(child, { seconds })).cpuMicrosecondsPerSignature,
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

/**
 * `/token` with the limits counted in memory, in a real local redis-server and in a real local
 * 3-master Redis Cluster, interleaved. Undefined when redis-server cannot be started here, and
 * the cluster's figures undefined when the cluster cannot be made: reported as missing, never as
 * a pass. One identity from one address: each request counts the same two keys, so the cluster's
 * figures compare its client's cost per request, not the capacity of its masters.
 */
async function measureRedisStore(env: Record<string, string>, rounds: number, secondsPerRound: number) {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  try {
    redis = await startRedis();
  } catch {
    return undefined;
  }
  let cluster: RedisCluster | undefined;
  try {
    cluster = await startRedisCluster();
  } catch {
    cluster = undefined;
  }
  const memory = await startServer(hostScript, env);
  const shared = await startServer(hostScript, { ...env, STATE_STORE: 'redis', REDIS_URL: redis.url });
  const clustered = cluster && await startServer(hostScript, { ...env, STATE_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.seeds });
  try {
    const { routes, rounds: byRound } = await interleave([
      { name: 'memory', url: `${memory.url}/token?identity=alice`, server: memory },
      { name: 'redis', url: `${shared.url}/token?identity=alice`, server: shared },
      ...(clustered ? [{ name: 'cluster', url: `${clustered.url}/token?identity=alice`, server: clustered }] : []),
    ], rounds, secondsPerRound);
    return { memory: routes.memory, redis: routes.redis, cluster: routes.cluster as HttpFigures | undefined, rounds: byRound.routes };
  } finally {
    await Promise.all([memory.stop(), shared.stop(), clustered?.stop()]);
    await Promise.all([redis.stop(), cluster?.stop()]);
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
