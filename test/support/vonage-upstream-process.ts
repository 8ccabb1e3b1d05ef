import { ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './server';
import type { ProblemShape, Replica, UpstreamOptions, UpstreamRequest, UpstreamResult } from './vonage-upstream-main';
import type { SessionDeps } from '../../src/core/vonage/sessions';
import type { UserDeps } from '../../src/core/vonage/users';

export type { ProblemShape, Replica };

export interface UpstreamProcess {
  /** `sessionForRoom` on one replica's store; a Problem rejects with its `ProblemShape`. */
  sessionForRoom(replica: Replica, options: UpstreamOptions<SessionDeps>, room: string): Promise<string>;
  ensureUser(replica: Replica, options: UpstreamOptions<UserDeps>, name: string): Promise<string>;
  /** Every value the stores actually stored, with its TTL. */
  writes(): Promise<Array<{ key: string; value: string; ttlSeconds: number }>>;
  /** The @vonage/* files the process has loaded so far. */
  loadedVonageModules(): Promise<string[]>;
  /** What the process wrote to stderr (warnings, crashes). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Bundles `vonage-upstream-main.ts` with esbuild, as the build bundles the service (npm packages
 * stay external), and starts it with the application's credentials.
 */
export async function startUpstreamProcess(application: { applicationId: string; privatePem: string }): Promise<UpstreamProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'vonage-upstream-'));
  const main = join(dir, 'main.js');
  await build({
    entryPoints: [join(__dirname, 'vonage-upstream-main.ts')], outfile: main,
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning',
  });
  const child: ChildProcess = fork(main, [], {
    // The bundle lives outside the project, so its `require`s of npm packages resolve through NODE_PATH.
    env: {
      PATH: process.env.PATH, NODE_PATH: join(root, 'node_modules'),
      VONAGE_APPLICATION_ID: application.applicationId, VONAGE_PRIVATE_KEY: application.privatePem,
    },
    execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(reason: unknown): void }>();
  child.on('message', (result: UpstreamResult) => {
    const caller = waiting.get(result.id)!;
    waiting.delete(result.id);
    if ('value' in result) caller.resolve(result.value);
    else if ('problem' in result) caller.reject(result.problem);
    else caller.reject(new Error(`the upstream process threw: ${result.error}`));
  });
  child.once('exit', (code) => {
    for (const caller of waiting.values()) caller.reject(new Error(`the upstream process exited (${code}):\n${stderr}`));
  });

  const call = <T>(message: UpstreamRequest): Promise<T> => new Promise<T>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
    child.send({ ...message, id });
  });

  return {
    sessionForRoom: (replica, options, room) => call({ fn: 'sessionForRoom', replica, options, arg: room }),
    ensureUser: (replica, options, name) => call({ fn: 'ensureUser', replica, options, arg: name }),
    writes: () => call({ fn: 'writes' }),
    loadedVonageModules: () => call({ fn: 'loadedVonageModules' }),
    output: () => stderr,
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
