import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { promisify } from 'node:util';
import { freePort } from './server';

/** Debian's redis-server, which CI installs; the tests never skip without it. */
const redisServer = '/usr/bin/redis-server';
/** Debian's redis-cli (redis-tools, which redis-server depends on): it builds clusters. */
const redisCli = '/usr/bin/redis-cli';

export interface RedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:port` (`rediss://` with TLS), as REDIS_URL would hold it. */
  url: string;
  /** Everything the server wrote so far, for failure messages. */
  output(): string;
  /** Ends the server (SIGTERM) and waits for it to exit: clients see an outage. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL) and waits for it to exit: a crash, with no goodbye to anyone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and waits until it answers PING. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung Redis. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
}

export interface RedisServerOptions {
  /** Clients must authenticate (`--requirepass`). */
  password?: string;
  port?: number;
  /** Serves TLS only (no plaintext port), with this certificate and key; `caFile` verifies it when waiting for PING. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Where the server may write (a cluster node's nodes.conf); the temporary directory by default. */
  dir?: string;
  /** More arguments, such as `--replicaof`. */
  args?: string[];
}

/**
 * A throwaway redis-server on a free loopback port (or `port`), persisting nothing. With
 * `password`, clients must authenticate (`--requirepass`); with `tls`, they must speak TLS.
 *
 * @example
 * const redis = await startRedis();
 * const store = openRedisStore({ url: redis.url });
 * await redis.restart(); // an outage the store must ride out
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? await freePort();
  // --dir: should anything be written after all, it lands in the temporary directory, not the checkout.
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', options.dir ?? tmpdir()];
  if (options.tls === undefined) {
    args.push('--port', String(port));
  } else {
    const { certFile, keyFile } = options.tls;
    // Clients present no certificate: the service authenticates with a password, as on managed Redis.
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', certFile, '--tls-key-file', keyFile, '--tls-auth-clients', 'no');
  }
  if (options.password !== undefined) args.push('--requirepass', options.password);
  args.push(...(options.args ?? []));
  const server = await startServerProcess([redisServer, ...args], port, {
    password: options.password, caFile: options.tls?.caFile,
  });
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return { ...server, url: `${options.tls === undefined ? 'redis' : 'rediss'}://${auth}127.0.0.1:${port}` };
}

/** Stops every server given that was started: for afterAll. */
export async function stopRedis(...servers: Array<RedisServer | undefined>): Promise<void> {
  await Promise.all(servers.map((server) => server?.stop()));
}

export interface SentinelOptions {
  /** The name the master is monitored under (REDIS_SENTINEL_MASTER). */
  masterName: string;
  master: RedisServer;
  /** The master's (and its replicas') password, which Sentinel needs to talk to them. */
  masterPassword?: string;
  /** Clients of Sentinel itself must authenticate with this. */
  password?: string;
  /** How long the master must be silent before Sentinel calls it down and fails over. */
  downAfterMs: number;
  /** Serves TLS only, and speaks TLS to the master and replicas, which must serve TLS too. */
  tls?: { certFile: string; keyFile: string; caFile: string };
}

/**
 * A Sentinel (`redis-server --sentinel`) on a free loopback port, monitoring `master` alone (a
 * quorum of 1), so killing the master is all it takes to make it promote a replica.
 *
 * @example const sentinel = await startSentinel({ masterName: 'tokens', master, downAfterMs: 1000 });
 */
export async function startSentinel(options: SentinelOptions): Promise<RedisServer> {
  const port = await freePort();
  // Sentinel rewrites its configuration file as it learns the topology, so the file is its own.
  const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
  const name = options.masterName;
  const { tls } = options;
  const lines = [
    ...(tls === undefined ? [`port ${port}`] : [
      'port 0', `tls-port ${port}`, `tls-cert-file ${tls.certFile}`, `tls-key-file ${tls.keyFile}`,
      `tls-ca-cert-file ${tls.caFile}`, 'tls-auth-clients no', 'tls-replication yes',
    ]),
    'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor ${name} 127.0.0.1 ${options.master.port} 1`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
    // A failover that stalls is retried after this long: well past the test's own bounds.
    `sentinel failover-timeout ${name} 60000`,
  ];
  if (options.masterPassword !== undefined) lines.push(`sentinel auth-pass ${name} ${options.masterPassword}`);
  if (options.password !== undefined) lines.push(`requirepass ${options.password}`);
  const configFile = join(dir, 'sentinel.conf');
  writeFileSync(configFile, lines.join('\n') + '\n');
  const server = await startServerProcess([redisServer, configFile, '--sentinel'], port, { password: options.password, caFile: tls?.caFile });
  return {
    ...server,
    url: `${tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisCluster {
  /** The masters, each owning a third (for three) of the 16384 slots. */
  nodes: RedisServer[];
  /** `127.0.0.1:port,…`, as REDIS_CLUSTER_NODES would hold it. */
  seeds: string;
  output(): string;
  /** Stops every node and removes their cluster state. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` masters and no replicas on free loopback ports (each requiring
 * `password` when given), made with `redis-cli --cluster create`, resolved once every node
 * reports `cluster_state:ok`. A node that
 * stays silent for `nodeTimeoutMs` is marked failed, and with it the cluster (no replica can take
 * over its slots).
 *
 * @example
 * const cluster = await startRedisCluster();
 * startNodeHost({ ...env, STATE_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.seeds });
 */
export async function startRedisCluster(
  options: { masters?: number; nodeTimeoutMs?: number; password?: string } = {},
): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const { password } = options;
  // Each node keeps its own nodes.conf: a restarted node finds its identity and slots there.
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const nodeDir = join(dir, String(i));
      mkdirSync(nodeDir);
      nodes.push(await startRedis({
        dir: nodeDir,
        password,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2000)],
      }));
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    const auth = password === undefined ? [] : ['-a', password, '--no-auth-warning'];
    await promisify(execFile)(redisCli, [...auth, '--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await Promise.all(nodes.map((node) => untilAnswer(node.port, { password }, 'CLUSTER INFO', 'cluster_state:ok', () => node.output())));
  } catch (error) {
    await stopRedis(...nodes);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((node) => `127.0.0.1:${node.port}`).join(','),
    output: () => nodes.map((node, i) => `--- node ${i} (${node.port}) ---\n${node.output()}`).join('\n'),
    stop: async () => {
      await stopRedis(...nodes);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until `port` answers `command` with a reply containing `expected` (after AUTH with
 * `password`, over TLS with `caFile`), for up to 20 s: a cluster or a failover settles in its own time.
 *
 * @example await untilAnswer(node.port, {}, 'CLUSTER INFO', 'cluster_state:ok', node.output);
 */
export async function untilAnswer(
  port: number, auth: { password?: string; caFile?: string }, command: string, expected: string, output: () => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await answers(port, auth, command, expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} did not answer ${command} with ${expected} within 20 s:\n${output()}`);
}

type ServerProcess = Omit<RedisServer, 'url'>;

/** Runs `command` and waits until it answers PING on `port`; stop, kill and restart act on it. */
async function startServerProcess(command: string[], port: number, auth: { password?: string; caFile?: string }): Promise<ServerProcess> {
  if (!existsSync(redisServer)) {
    throw new Error(`${redisServer} is missing: install Debian's redis-server package (.ci/run does) to run these tests.`);
  }
  let output = '';
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout!.on('data', (chunk) => { output += chunk; });
    started.stderr!.on('data', (chunk) => { output += chunk; });
    child = started;
    await untilPong(port, auth, started, () => output);
  };
  const end = (signal: NodeJS.Signals) => async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // A paused server must run again to act on SIGTERM.
    running.kill('SIGCONT');
    running.kill(signal);
    await exited;
  };
  const stop = end('SIGTERM');

  await launch();
  return {
    port,
    output: () => output,
    stop,
    kill: end('SIGKILL'),
    restart: async () => {
      await stop();
      await launch();
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/** Waits until the server answers PING (after AUTH when it has a password), for up to 10 s. */
async function untilPong(port: number, auth: { password?: string; caFile?: string }, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited early:\n${output()}`);
    if (await answers(port, auth, 'PING', '+PONG\r\n')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING within 10 s:\n${output()}`);
}

/**
 * Whether `port` answers `command` with a reply containing `expected`, over a raw socket (TLS
 * when `caFile` is given) in the inline form every Redis accepts, after AUTH when there is a
 * password. Independent of the client under test.
 */
function answers(port: number, auth: { password?: string; caFile?: string }, command: string, expected: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = auth.caFile === undefined
      ? connectTcp({ port, host: '127.0.0.1' })
      // The chain is checked; the name is the test's business (a certificate may name another host).
      : connectTls({ port, host: '127.0.0.1', ca: readFileSync(auth.caFile), checkServerIdentity: () => undefined });
    let reply = '';
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes(expected)) done(true);
      else if (/^-/m.test(reply)) done(false);
    });
    socket.once(auth.caFile === undefined ? 'connect' : 'secureConnect', () => {
      socket.write(auth.password === undefined ? `${command}\r\n` : `AUTH ${auth.password}\r\n${command}\r\n`);
    });
  });
}
