import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, root } from './server';

/** Twilio's OpenAPI descriptions (twilio-oai), one per REST domain the service calls. */
export const twilioSpecs = {
  video: join(root, 'test', 'fixtures', 'twilio-oai', 'twilio_video_v1.json'),
  conversations: join(root, 'test', 'fixtures', 'twilio-oai', 'twilio_conversations_v1.json'),
} as const;

export interface RunningPrism {
  /** Base URL to use in place of the API's own, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything Prism logged so far: each request and, for a rejected one, the failing field. */
  output(): string;
  stop(): Promise<void>;
}

/** Prism parses an 850 KB description before it listens: ~1.5 s when idle, far more on a busy 2-core machine. */
const startDeadlineMs = 60_000;
const stopGraceMs = 5_000;

/**
 * A Prism mock server for one OpenAPI description, on a free loopback port. With `--errors`, a
 * request that breaks the description (a wrong enum value, a missing field, no credentials) gets
 * a 422 (401 for credentials) naming the failing field instead of a mocked answer.
 *
 * @example const video = await startPrism(twilioSpecs.video); … await video.stop();
 */
export function startPrism(spec: string): Promise<RunningPrism> {
  return launchPrism(['mock', '--errors', spec]);
}

/**
 * Prism's validating proxy in front of a live server: each request is checked against the
 * description (unless `validateRequest` is false) and forwarded, and each answer is checked too.
 * With `--errors`, a violation replaces the answer with Prism's own problem
 * (`https://stoplight.io/prism/errors#…`, 422 for a request, 500 for an answer) and an
 * `sl-violations` header naming each failing field. Prism adds no CORS headers of its own here.
 *
 * @example const proxy = await startPrismProxy('build/assets/openapi.json', host.url);
 */
export function startPrismProxy(spec: string, upstream: string, options: { validateRequest?: boolean } = {}): Promise<RunningPrism> {
  return launchPrism(['proxy', '--errors', '--cors=false', `--validate-request=${options.validateRequest ?? true}`, spec, upstream]);
}

async function launchPrism(command: string[]): Promise<RunningPrism> {
  const port = await freePort();
  const prism = require.resolve('@stoplight/prism-cli/dist/index.js');
  // Its own process group, so stop() ends whatever Prism forked as well.
  const child = spawn(
    process.execPath,
    [prism, ...command, '--host', '127.0.0.1', '--port', String(port)],
    { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    if (running()) {
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid!), stopGraceMs);
      await exited;
      clearTimeout(timer);
    }
    killGroup(child.pid!);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startDeadlineMs;
  while (Date.now() < deadline) {
    if (!running()) throw new Error(`prism exited before listening:\n${output}`);
    try {
      // Any answer means it listens: Prism answers an unknown path with 404.
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { url, output: () => output, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stop();
  throw new Error(`prism did not listen within ${startDeadlineMs / 1000} s:\n${output}`);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
