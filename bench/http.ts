import autocannon from 'autocannon';
import { ChildProcess, execFileSync, spawn, StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { buildDir, freePort, startTwilioRun } from '../test/support/server';
import { median, percentile } from './stats';

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** The server's own CPU time per answered request, all its threads counted. */
  serverCpuMicroseconds?: number;
}

export interface Server {
  url: string;
  process: ChildProcess;
  /** Time from spawn to the first 200 from `readyPath`. */
  coldStartMs: number;
  /** The server's `process.cpuUsage()` so far (user + system, every thread), asked over IPC. */
  cpuMicroseconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Preloaded into every server: answers the benchmark's CPU questions (bench/apps/cpu-probe.ts). */
const cpuProbe = join(buildDir, 'bench', 'cpu-probe.js');

/**
 * Spawns a Node script with only `env` and an IPC channel, pinned to CPU 1 when the benchmark runs
 * pinned. Its stdout is a pipe the benchmark drains and discards, as a platform collects a
 * deployed service's log lines (containers, Vonage Cloud Runtime): every server pays for its own
 * log writes as it would there, and the terminal paces none of them.
 */
export function spawnPinned(args: readonly string[], env: Record<string, string>): ChildProcess {
  const options = { env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'ignore', 'ipc'] as StdioOptions };
  const child = process.env.BENCH_PIN_SERVERS === '1'
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], options)
    : spawn(process.execPath, [...args], options);
  child.stdout!.resume();
  return child;
}

/** Sends `message` to a child and resolves with its next answer. */
export function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message as string, (error) => error && reject(error));
  });
}

/**
 * Starts a server script with the CPU probe preloaded. Resolves on the first 200 from `readyPath`.
 */
export async function startServer(script: string, env: Record<string, string>, readyPath = '/token?identity=alice'): Promise<Server> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawnPinned(['-r', cpuProbe, script], { PORT: String(port), VCR_PORT: String(port), ...env });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${script} did not start`);
    if (await answersOk(url + readyPath)) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url, process: child, coldStartMs,
    cpuMicroseconds: async () => (await ask<{ cpuMicroseconds: number }>(child, 'cpu')).cpuMicroseconds,
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

/**
 * One GET with node:http, true on a 200. The probe is plain on purpose: fetch (undici) takes tens of
 * milliseconds per refused connection, which would be counted as the server's start-up time.
 */
function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}

/**
 * Requests per second and latency at a fixed concurrency, like a busy app's clients, plus the
 * server's CPU per request. Latency percentiles come from every 2xx answer's own time, which
 * autocannon measures in fractions of a millisecond but keeps in whole milliseconds: on a fast
 * machine every route's p99 would read 0 ms and no two could be compared.
 */
export async function load(url: string, seconds: number, server?: Server, connections = 10): Promise<HttpFigures> {
  const cpuBefore = await server?.cpuMicroseconds();
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections, duration: seconds }, (error, figures) => (error ? reject(error) : resolve(figures)))
      .on('response', (_client, statusCode, _bytes, ms) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
      });
  });
  const cpuAfter = await server?.cpuMicroseconds();
  const served = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: latencies.length === 0 ? NaN : percentile(latencies, 0.5),
    p99Ms: latencies.length === 0 ? NaN : percentile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpuMicroseconds: cpuBefore === undefined || cpuAfter === undefined || served === 0 ? undefined : (cpuAfter - cpuBefore) / served,
  };
}

export interface Route {
  name: string;
  url: string;
  /** The server answering `url`, whose CPU is counted. */
  server?: Server;
}

/** A measure of CPU per operation that takes its turn among the routes: `run(seconds)` works that long and answers µs per operation. */
export interface Floor {
  name: string;
  run(seconds: number): Promise<number>;
}

/** What `interleave` measured: per route and floor, the figures of every round, in round order. */
export interface Interleaved {
  /** Per route: the mean rate over all rounds, the medians of the rounds' latency percentiles and CPU per request. */
  routes: Record<string, HttpFigures>;
  /** Per floor: the median of its rounds. */
  floors: Record<string, number>;
  rounds: { routes: Record<string, HttpFigures[]>; floors: Record<string, number[]> };
}

/**
 * Loads each route in turn, round after round, after one warm-up segment each; floors take their
 * turn after the routes. Every other round runs in the reverse order (A B C, then C B A …), so a
 * machine that speeds up or slows down during a round favours no route. Ratios are best taken
 * round by round (`pairedRatio`): the two measures of a round are seconds apart, while a noisy
 * moment on this shared machine can last for several rounds.
 */
export async function interleave(routes: readonly Route[], rounds: number, secondsPerRound: number, floors: readonly Floor[] = []): Promise<Interleaved> {
  for (const route of routes) await load(route.url, 1);
  for (const floor of floors) await floor.run(1);
  const samples = new Map<string, HttpFigures[]>(routes.map((route) => [route.name, []]));
  const floorSamples = new Map<string, number[]>(floors.map((floor) => [floor.name, []]));
  const turns = [
    ...routes.map((route) => async () => { samples.get(route.name)!.push(await load(route.url, secondsPerRound, route.server)); }),
    ...floors.map((floor) => async () => { floorSamples.get(floor.name)!.push(await floor.run(secondsPerRound)); }),
  ];
  for (let round = 0; round < rounds; round++) {
    for (const turn of round % 2 === 0 ? turns : [...turns].reverse()) await turn();
  }
  const figures = Object.fromEntries([...samples].map(([name, figures]) => {
    const cpu = figures.map((figure) => figure.serverCpuMicroseconds);
    return [name, {
      requestsPerSecond: figures.reduce((sum, figure) => sum + figure.requestsPerSecond, 0) / figures.length,
      p50Ms: median(figures.map((figure) => figure.p50Ms)),
      p99Ms: median(figures.map((figure) => figure.p99Ms)),
      non2xx: figures.reduce((sum, figure) => sum + figure.non2xx, 0),
      errors: figures.reduce((sum, figure) => sum + figure.errors, 0),
      serverCpuMicroseconds: cpu.every((value) => value !== undefined) ? median(cpu as number[]) : undefined,
    }];
  }));
  return {
    routes: figures,
    floors: Object.fromEntries([...floorSamples].map(([name, values]) => [name, median(values)])),
    rounds: { routes: Object.fromEntries(samples), floors: Object.fromEntries(floorSamples) },
  };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** Cold starts of several servers, interleaved run by run; the median time to the first 200 of each. */
export async function coldStarts(servers: Record<string, () => Promise<Server>>, runs: number): Promise<Record<string, number>> {
  const times = new Map<string, number[]>(Object.keys(servers).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, start] of Object.entries(servers)) {
      const server = await start();
      times.get(name)!.push(server.coldStartMs);
      await server.stop();
    }
  }
  return Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
}

/** twilio-run `/token` as `npm start` serves it; undefined when it could not be measured (it answered nothing). */
export async function measureTwilioRun(env: Record<string, string>, seconds: number): Promise<HttpFigures | undefined> {
  const server = await startTwilioRun(env);
  try {
    await load(`${server.url}/token?identity=alice`, 1);
    const figures = await load(`${server.url}/token?identity=alice`, seconds);
    return figures.requestsPerSecond > 0 && figures.non2xx === 0 ? figures : undefined;
  } catch {
    return undefined;
  } finally {
    await server.stop();
  }
}

/**
 * Milliseconds to `require` each module in a fresh Node process (the cost a cold Twilio Function
 * container pays before its first request), interleaved run by run; the median of each.
 */
export function requireCosts(modules: Record<string, string>, runs: number, cwd: string): Record<string, number> {
  const probe = 'const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const times = new Map<string, number[]>(Object.keys(modules).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, module] of Object.entries(modules)) {
      times.get(name)!.push(Number(execFileSync(process.execPath, ['-e', probe, module], { cwd, encoding: 'utf8' })));
    }
  }
  return Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
}
