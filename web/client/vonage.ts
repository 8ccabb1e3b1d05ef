import { keepSupplied, SupplyOptions } from './supply';
import { TokenSource } from './token-source';

/** What the adapter uses of `@vonage/client-sdk`'s `VonageClient`. */
export interface VonageClient {
  createSession(token: string, sessionId?: string | null): Promise<string>;
  refreshSession(token: string): Promise<unknown>;
  on(event: 'sessionError', callback: (reason: string) => void): symbol;
  off(event: 'sessionError', callbackSymbol: symbol): boolean;
}

/** The Client SDK's `SessionErrorReason` for a session whose token ran out: only a new session helps then. */
const expiredToken = 'EXPIRED_TOKEN';

export interface VonageSession {
  /** The current session: a new one after the old one's token expired. */
  readonly sessionId: string;
  stop(): void;
}

/**
 * Starts a Vonage Client SDK session with a token from `source` and keeps it supplied: the SDK
 * has no "about to expire" event, so `refreshSession` runs before the token goes stale; when a
 * token expired anyway (a laptop that slept through it), `sessionError` EXPIRED_TOKEN starts a
 * new session with a new token.
 *
 * @example const session = await startVonageSession(new VonageClient(), source);
 */
export async function startVonageSession(client: VonageClient, source: TokenSource, options?: SupplyOptions): Promise<VonageSession> {
  const { token } = await source.get();
  let sessionId = await client.createSession(token);
  const supply = keepSupplied(source, (fresh) => client.refreshSession(fresh), token, options);
  const restart = async (fresh: string) => {
    sessionId = await client.createSession(fresh);
  };
  const listening = client.on('sessionError', (reason) => {
    if (reason === expiredToken) void supply.renew(restart);
  });
  return {
    get sessionId() {
      return sessionId;
    },
    stop() {
      supply.stop();
      client.off('sessionError', listening);
    },
  };
}

/** What the adapter uses of a Vonage Video (OpenTok) `Session`. */
export interface VonageVideoSession {
  connect(token: string, completionHandler: (error?: Error) => void): void;
}

/**
 * Connects a Vonage Video session with a token fetched for this connection.
 *
 * @example await connectVonageVideo(OT.initSession(applicationId, sessionId), source);
 */
export async function connectVonageVideo(session: VonageVideoSession, source: TokenSource): Promise<void> {
  const { token } = await source.refresh();
  await new Promise<void>((resolve, reject) => {
    session.connect(token, (error) => (error ? reject(error) : resolve()));
  });
}
