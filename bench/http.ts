import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { buildDir, freePort, startTwilioRun } from '../test/support/server';
import { median } from './stats';

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** The server's own CPU time per answered request, when its pid is known. */
  serverCpuMicroseconds?: number;
}

/**
 * Requests per second and latency at a fixed concurrency, like a busy app's clients. With the
 * server's pid, also its CPU time per request: the load generator shares this machine's two
 * cores, so throughput alone mixes its cost with the server's.
 */
export async function load(url: string, seconds: number, serverPid?: number, connections = 10): Promise<HttpFigures> {
  const cpuBefore = serverPid === undefined ? 0 : cpuMicroseconds(serverPid);
  const result = await autocannon({ url, connections, duration: seconds });
  const served = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    serverCpuMicroseconds: serverPid === undefined ? undefined : (cpuMicroseconds(serverPid) - cpuBefore) / served,
  };
}

/** User plus system CPU time of a process so far, from /proc (Linux; the kernel counts 100 ticks a second). */
function cpuMicroseconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export interface Host {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The production Node host with Vonage Cloud Runtime's variables, its logs discarded so the
 * terminal does not pace it. Resolves on the first 200 from /token, with the time that took.
 */
export async function startNodeHost(env: Record<string, string>): Promise<Host & { coldStartMs: number }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(buildDir, 'host', 'server.js')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', VCR_PORT: String(port), ...env },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the Node host did not start');
    if (await answersOk(`${url}/token?identity=alice`)) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { url, process: child, coldStartMs, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/**
 * One GET with node:http, true on a 200. The probe is plain on purpose: fetch (undici) takes tens of
 * milliseconds per refused connection, which would be counted as the host's start-up time.
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

export async function startTwilioRunHost(env: Record<string, string>): Promise<Host> {
  const server = await startTwilioRun(env);
  return { url: server.url, process: server.process, stop: async () => { await server.stop(); } };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** Median time from process start to the first 200 from /token, over several fresh starts. */
export async function coldStart(env: Record<string, string>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const host = await startNodeHost(env);
    times.push(host.coldStartMs);
    await host.stop();
  }
  return median(times);
}
