import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './server';

/** Debian's redis-server, which CI installs; the tests never skip without it. */
const redisServer = '/usr/bin/redis-server';

export interface RedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:port`, as REDIS_URL would hold it. */
  url: string;
  /** Everything the server wrote so far, for failure messages. */
  output(): string;
  /** Ends the server (SIGTERM) and waits for it to exit: clients see an outage. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and waits until it answers PING. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung Redis. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
}

/**
 * A throwaway redis-server on a free loopback port (or `port`), persisting nothing. With
 * `password`, clients must authenticate (`--requirepass`).
 *
 * @example
 * const redis = await startRedis();
 * const store = openRedisStore({ url: redis.url });
 * await redis.restart(); // an outage the store must ride out
 */
export async function startRedis(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  if (!existsSync(redisServer)) {
    throw new Error(`${redisServer} is missing: install Debian's redis-server package (.ci/run does) to run these tests.`);
  }
  const port = options.port ?? await freePort();
  // --dir: should anything be written after all, it lands in the temporary directory, not the checkout.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  let output = '';
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn(redisServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout!.on('data', (chunk) => { output += chunk; });
    started.stderr!.on('data', (chunk) => { output += chunk; });
    child = started;
    await untilPong(port, options.password, started, () => output);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGTERM');
    await exited;
  };

  await launch();
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    output: () => output,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/** Stops every server given that was started: for afterAll. */
export async function stopRedis(...servers: Array<RedisServer | undefined>): Promise<void> {
  await Promise.all(servers.map((server) => server?.stop()));
}

/** Waits until the server answers PING (after AUTH when it has a password), for up to 10 s. */
async function untilPong(port: number, password: string | undefined, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited early:\n${output()}`);
    if (await answersPing(port, password)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING within 10 s:\n${output()}`);
}

/** One PING over a raw socket, in the inline command form every Redis accepts. */
function answersPing(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('+PONG\r\n')) done(true);
      else if (reply.includes('-')) done(false);
    });
    socket.once('connect', () => {
      socket.write(password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`);
    });
  });
}

