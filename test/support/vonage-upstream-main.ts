/**
 * Runs the Vonage upstream modules in a Node process of their own, driven over IPC by
 * `vonage-upstream-process.ts`: @vonage/video and @vonage/users load ESM-only packages (uuid,
 * node-fetch) that Node loads but Jest's CommonJS runtime cannot. Two MapStores over one Map play
 * two replicas sharing one store.
 */
import { createPrivateKey } from 'node:crypto';
import { Deadline } from '../../src/core/deadline';
import { Problem } from '../../src/core/problem';
import { SessionDeps, sessionForRoom } from '../../src/core/vonage/sessions';
import { ensureUser, UserDeps } from '../../src/core/vonage/users';
import { MapStore } from './map-store';

export type Replica = 'a' | 'b';

/** A call's options as they cross the process boundary: the request's deadline as its budget (25 s unless given). */
export type UpstreamOptions<Deps> = Omit<Deps, 'store' | 'config' | 'deadline' | 'countCreation'> & { budgetMs?: number };

export type UpstreamRequest =
  | { fn: 'sessionForRoom'; replica: Replica; options: UpstreamOptions<SessionDeps>; arg: string }
  | { fn: 'ensureUser'; replica: Replica; options: UpstreamOptions<UserDeps>; arg: string }
  | { fn: 'writes' }
  | { fn: 'loadedVonageModules' };

export type UpstreamCall = { id: number } & UpstreamRequest;

export interface ProblemShape {
  code: string;
  status: number;
  detail: string;
  extensions: Record<string, string | number>;
}

export type UpstreamResult = { id: number } & ({ value: unknown } | { problem: ProblemShape } | { error: string });

const config = {
  applicationId: process.env.VONAGE_APPLICATION_ID ?? '',
  privateKey: createPrivateKey(process.env.VONAGE_PRIVATE_KEY ?? ''),
};
const shared = new Map();
const replicas: Record<Replica, MapStore> = { a: new MapStore(shared), b: new MapStore(shared) };

/** What a token request gives the calls: its deadline (25 s unless given), and no creation limit. */
function requestParts(options: { budgetMs?: number }) {
  return { deadline: new Deadline(options.budgetMs ?? 25_000), countCreation: async () => undefined };
}

async function run(call: UpstreamCall): Promise<unknown> {
  switch (call.fn) {
    case 'sessionForRoom':
      return sessionForRoom({ ...call.options, ...requestParts(call.options), store: replicas[call.replica], config }, call.arg);
    case 'ensureUser':
      return ensureUser({ ...call.options, ...requestParts(call.options), store: replicas[call.replica], config }, call.arg);
    case 'writes':
      return [...replicas.a.writes, ...replicas.b.writes];
    case 'loadedVonageModules':
      return Object.keys(require.cache).filter((path) => path.includes('/@vonage/')).map((path) => path.replace(/^.*node_modules\//, ''));
  }
}

process.on('message', async (call: UpstreamCall) => {
  let result: UpstreamResult;
  try {
    result = { id: call.id, value: await run(call) };
  } catch (error) {
    result = error instanceof Problem
      ? { id: call.id, problem: { code: error.code, status: error.status, detail: error.message, extensions: { ...error.extensions } } }
      : { id: call.id, error: String((error as Error)?.stack ?? error) };
  }
  process.send?.(result);
});
process.on('disconnect', () => process.exit(0));
