import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server';

/** Debian's prometheus package, which CI installs; it ships promtool too. The tests never skip without them. */
const prometheusBinary = '/usr/bin/prometheus';
const promtoolBinary = '/usr/bin/promtool';

/** One labelled value of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The samples of a Prometheus text exposition (version 0.0.4), read independently of the code
 * that wrote it.
 *
 * @example parseExposition('a_total{x="1"} 2\n') // [{ name: 'a_total', labels: { x: '1' }, value: 2 }]
 */
export function parseExposition(text: string): Sample[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value.replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
    }
    return { name: match[1], labels, value: Number(match[3]) };
  });
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none, as Prometheus reads an absent counter. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((sample) => sample.name === name
    && Object.entries(labels).every(([label, value]) => sample.labels[label] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/** promtool's lint of an exposition: its exit code and what it printed (nothing when clean). */
export function promtoolCheck(exposition: string): { status: number | null; output: string } {
  if (!existsSync(promtoolBinary)) throw new Error(`${promtoolBinary} is missing: install Debian's prometheus package (.ci/run does).`);
  const run = spawnSync(promtoolBinary, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export interface ScrapeJob {
  name: string;
  /** `host:port` of the target. */
  target: string;
  /** The bearer token Prometheus sends (`authorization: { credentials: … }`). */
  credentials: string;
}

export interface RunningPrometheus {
  url: string;
  /** The value of an instant query's single result, undefined while it has none. */
  query(expression: string): Promise<number | undefined>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free loopback port, scraping `jobs` every second with their bearer
 * tokens, with its configuration and storage in a temporary directory removed on stop.
 *
 * @example const prometheus = await startPrometheus([{ name: 'rtc', target: '127.0.0.1:3000', credentials: token }]);
 */
export async function startPrometheus(jobs: readonly ScrapeJob[]): Promise<RunningPrometheus> {
  if (!existsSync(prometheusBinary)) throw new Error(`${prometheusBinary} is missing: install Debian's prometheus package (.ci/run does).`);
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const config = [
    'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:',
    ...jobs.flatMap((job) => [
      `  - job_name: ${JSON.stringify(job.name)}`,
      '    authorization:', `      credentials: ${JSON.stringify(job.credentials)}`,
      '    static_configs:', `      - targets: [${JSON.stringify(job.target)}]`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const port = await freePort();
  const child: ChildProcess = spawn(prometheusBinary, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    output: () => output,
    stop,
    query: async (expression) => {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const answer = (await response.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
      if (answer.status !== 'success') throw new Error(`query ${expression} failed: ${JSON.stringify(answer)}`);
      const [first] = answer.data.result;
      return first === undefined ? undefined : Number(first.value[1]);
    },
  };
}
