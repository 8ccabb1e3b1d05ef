import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort, root } from './server';

/** Twilio's OpenAPI descriptions (twilio-oai): the REST domains the service calls, and the one its deploy calls. */
export const twilioSpecs = {
  video: join(root, 'test', 'fixtures', 'twilio-oai', 'twilio_video_v1.json'),
  conversations: join(root, 'test', 'fixtures', 'twilio-oai', 'twilio_conversations_v1.json'),
  serverless: join(root, 'test', 'fixtures', 'twilio-oai', 'twilio_serverless_v1.json'),
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
  return runPrism(['mock', '--errors', spec]);
}

/**
 * Prism's validating proxy in front of a live server (`upstream`, e.g. a stand-in): it forwards
 * each request and checks both the request and the answer against the description. With
 * `--errors`, a request that breaks it gets a 422 and is not forwarded, and an answer that breaks
 * it becomes a 500, Prism's own problem (`https://stoplight.io/prism/errors#…`) with an
 * `sl-violations` header; either way the output names the field. `validateRequest: false` checks
 * the answers only, so a request the description refuses still reaches the server; `cors: false`
 * leaves preflights and CORS headers to the server.
 *
 * @example const serverless = await startPrismProxy(twilioSpecs.serverless, standIn.url);
 */
export function startPrismProxy(
  spec: string, upstream: string, options: { validateRequest?: boolean; cors?: boolean } = {},
): Promise<RunningPrism> {
  const { validateRequest = true, cors = true } = options;
  return runPrism(['proxy', '--errors', `--validate-request=${validateRequest}`, `--cors=${cors}`, spec, upstream]);
}

/**
 * A copy of `spec` (in a temporary directory; the fixture stays as Twilio published it) that names
 * the encoding of every array field in a form body. Twilio's API reads an array as its key repeated
 * (`FunctionVersions=ZN…&FunctionVersions=ZN…`: OpenAPI's default for forms, style form, exploded),
 * which is what its SDKs and twilio-run send; twilio-oai leaves the encoding implicit, and Prism
 * 5.16 then reads such a field as one string and refuses the request. Named, Prism reads it as an
 * array, but of the last repeated key only: it checks one item of each such array, and a stand-in
 * has to check the rest.
 *
 * @example startPrismProxy(withFormArrayEncoding(twilioSpecs.serverless), standIn.url)
 */
export function withFormArrayEncoding(spec: string): string {
  type FormContent = { schema?: { properties?: Record<string, { type?: string }> }; encoding?: Record<string, unknown> };
  const description = JSON.parse(readFileSync(spec, 'utf8')) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, FormContent> } }>>;
  };
  for (const operations of Object.values(description.paths)) {
    for (const operation of Object.values(operations)) {
      const form = operation?.requestBody?.content?.['application/x-www-form-urlencoded'];
      for (const [name, property] of Object.entries(form?.schema?.properties ?? {})) {
        if (property.type === 'array') form!.encoding = { ...form!.encoding, [name]: { style: 'form', explode: true } };
      }
    }
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'twilio-oai-')), basename(spec));
  writeFileSync(copy, JSON.stringify(description));
  return copy;
}

async function runPrism(args: string[]): Promise<RunningPrism> {
  const port = await freePort();
  const prism = require.resolve('@stoplight/prism-cli/dist/index.js');
  // Its own process group, so stop() ends whatever Prism forked as well.
  const child = spawn(
    process.execPath,
    [prism, ...args, '--host', '127.0.0.1', '--port', String(port)],
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
