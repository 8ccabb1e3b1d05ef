import type { EventEmitter } from 'node:events';

/**
 * A change in whether the shared store can be reached, as one log line's fields: lost
 * (`state_store_down`, with the socket error that says why when there was one) or back
 * (`state_store_up`). Never an address or a password: ioredis' messages name the host and port.
 */
export type StoreHealthEvent =
  | { level: 'warn'; event: 'state_store_down'; store: 'redis'; reason?: string }
  | { level: 'info'; event: 'state_store_up'; store: 'redis' };

/** Where a store reports its health changes: the host's log, its metrics. */
export type StoreHealthListener = (event: StoreHealthEvent) => void;

/**
 * Whether a store's connection is known to be lost, from the events ioredis emits on a `Redis`
 * client and a `Cluster` alike, whatever the client was built for (a URL, TLS, Sentinel, a
 * cluster): `ready` when it can take commands, `close` whenever a connection ends or an attempt
 * fails (a refused connection, a failed handshake, a socket gone silent past its timeout),
 * `error` just before with the cause. Reports each change once, however many reconnection
 * attempts fail in between: lost (or unreachable from the start), then back. A store that comes
 * up at start-up reports nothing.
 *
 * @example const health = new ConnectionHealth(redis, (event) => log.write(event));
 */
export class ConnectionHealth {
  private state: 'starting' | 'up' | 'down' = 'starting';
  private lastError: string | undefined;
  private stopped = false;

  constructor(client: EventEmitter, private readonly listener: StoreHealthListener = () => undefined) {
    // ioredis emits 'error' on every failed (re)connection; unheard, Node would end the process.
    client.on('error', (error: unknown) => {
      this.lastError = errorReason(error);
    });
    client.on('close', () => this.lost());
    client.on('ready', () => this.back());
  }

  /** True once a connection was lost or never made, until the next one is ready: operations need not wait. */
  get down(): boolean {
    return this.state === 'down';
  }

  /** True while a connection is ready, as far as the client knows. */
  get up(): boolean {
    return this.state === 'up';
  }

  /** The store is closing on purpose: its connection ending is no outage. */
  stop(): void {
    this.stopped = true;
  }

  private lost(): void {
    if (this.stopped || this.state === 'down') return;
    this.state = 'down';
    const reason = this.lastError;
    this.listener({ level: 'warn', event: 'state_store_down', store: 'redis', ...(reason === undefined ? {} : { reason }) });
  }

  private back(): void {
    const wasDown = this.state === 'down';
    this.state = 'up';
    this.lastError = undefined;
    if (wasDown && !this.stopped) this.listener({ level: 'info', event: 'state_store_up', store: 'redis' });
  }
}

/**
 * A socket error's code (`ECONNREFUSED`, `ETIMEDOUT`) or, for a refused handshake, the reply's
 * first word (`WRONGPASS`, `NOAUTH`): never the rest of a message, which can name the address.
 */
function errorReason(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const word = typeof code === 'string' ? code : typeof message === 'string' ? message.split(' ')[0] : undefined;
  return word !== undefined && /^[A-Z][A-Z0-9_]{1,40}$/.test(word) ? word : undefined;
}
