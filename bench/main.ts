import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { root } from '../test/support/server';
import { coldStart, HttpFigures, load, rssMiB, startNodeHost, startTwilioRunHost } from './http';
import { benchEnv, benchTwilioMint, benchVonageMint } from './mint';

/**
 * `npm run bench [-- --quick]`: minting cost against the vendor libraries and the raw crypto
 * floor, HTTP throughput against twilio-run and a trivial route, cold start and memory, all in one
 * run so the ratios compare like with like on a noisy machine.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 2 : 10;
  const env = benchEnv();

  // First, while nothing else this run starts is still winding down (twilio-run's forked children).
  const coldStartMs = await coldStart(env, quick ? 2 : 5);
  const twilioMint = await benchTwilioMint(env, quick);
  const vonageMint = await benchVonageMint(env, quick);

  const host = await startNodeHost(env);
  let nodeToken: HttpFigures, nodeVonage: HttpFigures, nodeTrivial: HttpFigures, memory: { afterFirstMiB: number; afterSecondMiB: number };
  try {
    const pid = host.process.pid!;
    await load(`${host.url}/token?identity=alice`, 1);
    nodeTrivial = await load(`${host.url}/_/health`, seconds, pid);
    nodeToken = await load(`${host.url}/token?identity=alice`, seconds, pid);
    nodeVonage = await load(`${host.url}/vonage-token?identity=alice`, seconds, pid);
    const afterFirstMiB = rssMiB(host.process.pid!);
    await load(`${host.url}/token?identity=alice`, seconds);
    await load(`${host.url}/vonage-token?identity=alice`, seconds);
    memory = { afterFirstMiB, afterSecondMiB: rssMiB(host.process.pid!) };
  } finally {
    await host.stop();
  }

  const twilioRun = await startTwilioRunHost(env);
  let twilioRunToken: HttpFigures;
  try {
    await load(`${twilioRun.url}/token?identity=alice`, 1);
    twilioRunToken = await load(`${twilioRun.url}/token?identity=alice`, seconds);
  } finally {
    await twilioRun.stop();
  }

  const rs256PerSecond = 1e6 / vonageMint.rs256Floor;
  const targets = [
    { name: 'Twilio mint vs raw HMAC floor', ratio: twilioMint.project / twilioMint.hmacFloor, target: '≤ 5×', met: twilioMint.project / twilioMint.hmacFloor <= 5 },
    { name: 'stock AccessToken path vs Twilio mint', ratio: twilioMint.stock / twilioMint.project, target: '≥ 15×', met: twilioMint.stock / twilioMint.project >= 15 },
    { name: 'Vonage mint vs one raw RS256 signature', ratio: vonageMint.project / vonageMint.rs256Floor, target: '≤ 1.2×', met: vonageMint.project / vonageMint.rs256Floor <= 1.2 },
    { name: 'Node host /token vs its trivial route', ratio: nodeToken.requestsPerSecond / nodeTrivial.requestsPerSecond, target: '≥ 0.5×', met: nodeToken.requestsPerSecond / nodeTrivial.requestsPerSecond >= 0.5 },
    { name: 'Node host /token vs twilio-run /token', ratio: nodeToken.requestsPerSecond / twilioRunToken.requestsPerSecond, target: '≥ 10×', met: nodeToken.requestsPerSecond / twilioRunToken.requestsPerSecond >= 10 },
    { name: 'Node host /vonage-token vs raw RS256 signatures/s', ratio: nodeVonage.requestsPerSecond / rs256PerSecond, target: '≥ 0.6×', met: nodeVonage.requestsPerSecond / rs256PerSecond >= 0.6 },
  ];

  const results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    quick,
    mintMicroseconds: { twilio: twilioMint, vonage: vonageMint },
    http: { seconds, connections: 10, nodeHost: { token: nodeToken, vonageToken: nodeVonage, trivial: nodeTrivial }, twilioRun: { token: twilioRunToken }, rs256PerSecond },
    coldStartMs,
    memory: { ...memory, growthMiB: memory.afterSecondMiB - memory.afterFirstMiB },
    targets,
  };

  const f = (value: number, digits = 1) => value.toFixed(digits);
  const rows: string[][] = [
    ['Twilio mint (video+chat+voice)', `${f(twilioMint.project, 2)} µs`, `stock ${f(twilioMint.stock, 1)} µs · HMAC floor ${f(twilioMint.hmacFloor, 2)} µs`],
    ['Vonage client mint', `${f(vonageMint.project, 0)} µs`, `tokenGenerate ${f(vonageMint.vonageJwt, 0)} µs · RS256 floor ${f(vonageMint.rs256Floor, 0)} µs`],
    ...([['/token', nodeToken], ['/vonage-token', nodeVonage], ['/_/health (HTTP floor)', nodeTrivial]] as const).map(([route, figures]) => [
      `Node host ${route}`, `${f(figures.requestsPerSecond, 0)} req/s`,
      `p50 ${figures.p50Ms} ms · p99 ${figures.p99Ms} ms · host CPU ${f(figures.serverCpuMicroseconds!, 0)} µs/request`,
    ]),
    ['twilio-run /token (npm start)', `${f(twilioRunToken.requestsPerSecond, 0)} req/s`, `p50 ${twilioRunToken.p50Ms} ms · p99 ${twilioRunToken.p99Ms} ms`],
    ['Cold start to first /token 200', `${f(coldStartMs, 0)} ms`, 'Node host'],
    ['Node host RSS after 2 equal runs', `${f(memory.afterFirstMiB)} → ${f(memory.afterSecondMiB)} MiB`, `growth ${f(results.memory.growthMiB)} MiB`],
    ...targets.map((t) => [t.name, `${f(t.ratio, 2)}×`, `target ${t.target} ${t.met ? 'met' : 'MISSED'}`]),
  ];
  const width = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node}${quick ? ' (--quick)' : ''}\n`);
  for (const row of rows) console.log(`${row[0].padEnd(width[0])}  ${row[1].padStart(width[1])}  ${row[2]}`);

  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, quick ? 'bench-quick.json' : 'bench.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nAll figures: ${file}`);
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
