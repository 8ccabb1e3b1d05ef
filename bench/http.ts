import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, freePort, startTwilioRun } from '../test/support/server';
import { median } from './stats';

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

/** Requests per second and latency at a fixed concurrency, like a busy app's clients. */
export async function load(url: string, seconds: number, connections = 10): Promise<HttpFigures> {
  const result = await autocannon({ url, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
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
    const ok = await fetch(`${url}/token?identity=alice`).then((response) => response.status === 200, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { url, process: child, coldStartMs, stop: async () => { child.kill('SIGTERM'); await exited; } };
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
