import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const root = join(__dirname, '..', '..');
export const buildDir = join(root, 'build');

/** A port nobody listens on right now, found by letting the OS pick one on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The JSON log lines of `event` a server wrote so far, parsed.
 *
 * @example expect(logLines(host, 'state_store_down')).toHaveLength(1);
 */
export function logLines(server: RunningServer, event: string): Array<Record<string, unknown>> {
  return server.output().split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>).filter((fields) => fields.event === event);
}

/** Starts a server process and waits until `readyPath` answers over HTTP. */
export async function startProcess(
  args: string[], options: { env: NodeJS.ProcessEnv; port: number; readyPath: string; cwd?: string },
): Promise<RunningServer> {
  // Its own process group, so stopping it also stops what it forked: twilio-run forks a runner per
  // request, and runners orphaned mid-request keep running and hold our output pipes open.
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const server: RunningServer = {
    url,
    port: options.port,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
      const code = await exited;
      killGroup(child.pid!);
      return code;
    },
  };
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      await fetch(url + options.readyPath);
      return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await server.stop();
  throw new Error(`server did not answer within 20 s:\n${output}`);
}

/**
 * Waits until `condition` holds of a server's output, for up to 10 s: a log line is written just
 * after its answer (under twilio-run, once the Function's runner has passed it on), so a test that
 * reads the output must wait for the line it expects, never for a fixed time.
 */
export async function outputSettles(server: RunningServer, condition: (output: string) => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition(server.output())) {
    if (Date.now() > deadline) throw new Error(`the output never settled:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until `condition` holds, for up to 10 s, for what a test cannot be told about (a stand-in's sockets). */
export async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The lines of a server's output that contain `text`. */
export function linesWith(server: RunningServer, text: string): string[] {
  return server.output().split('\n').filter((line) => line.includes(text));
}

/** Runs `request`, then waits until one more line of the server's output contains `text`: the request's own log line. */
export async function andItsLogLine<T>(server: RunningServer, text: string, request: () => Promise<T>): Promise<T> {
  const before = linesWith(server, text).length;
  const result = await request();
  await outputSettles(server, () => linesWith(server, text).length > before);
  return result;
}

/** Ends whatever is left of a stopped server's process group (forked runners still busy). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone: nothing was left running.
  }
}

/** A minimal environment: no developer .env or shell variables leak into the server under test. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...extra };
}

/** Writes a throwaway .env file for a server under test and returns its path. */
export function envFile(values: Record<string, string>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'token-env-')), '.env');
  const lines = Object.entries(values).map(([name, value]) => `${name}="${value.replace(/\n/g, '\\n')}"`);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  return file;
}

/**
 * twilio-run serving the built functions and assets, as `npm start` runs it. Folders default to
 * the build output; the Functions' environment comes only from `env`, the process's from `processEnv`.
 */
export async function startTwilioRun(
  env: Record<string, string>,
  options: { functions?: string; assets?: string; processEnv?: Record<string, string> } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
  return startProcess([
    twilioRun, 'start', '--port', String(port), '--env', envFile(env),
    // twilio-run joins these onto its working directory, so they must be relative to it.
    '--functions-folder', relative(root, options.functions ?? join(buildDir, 'functions')),
    '--assets-folder', relative(root, options.assets ?? join(buildDir, 'assets')),
  ], { env: baseEnv(options.processEnv), port, readyPath: '/token' });
}

/** The production Node host (`build/host/server.js` by default) with only `env`: no .env, no shell variables. */
export async function startNodeHost(env: Record<string, string>, serverJs = join(buildDir, 'host', 'server.js')): Promise<RunningServer> {
  const port = await freePort();
  return startProcess([serverJs], { env: baseEnv({ ...env, VCR_PORT: String(port) }), port, readyPath: '/_/health' });
}

/**
 * Runs the Node host to its exit with only `env`, for configurations that must stop start-up
 * before it listens.
 */
export function runNodeHostToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(buildDir, 'host', 'server.js')], { env: baseEnv({ VCR_PORT: '65535', ...env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export type HostStarter = (env: Record<string, string>) => Promise<RunningServer>;

/** Both hosts the functions run on, for tests that must hold on each. */
export const hosts: ReadonlyArray<[name: string, start: HostStarter]> = [
  ['twilio-run', (env) => startTwilioRun(env)],
  ['the Node host', (env) => startNodeHost(env)],
];
