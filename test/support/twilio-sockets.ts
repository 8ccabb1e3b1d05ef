import type { Page, WebSocketRoute } from 'playwright-core';

/**
 * Stand-ins for the two WebSocket services Twilio's browser SDKs talk to, answered in the page by
 * Playwright's `routeWebSocket`: the SDKs' own code runs, only the far end is the test's. Each
 * speaks just enough of the protocol for the token events: what the SDKs send is recorded.
 */

/** The Voice signaling host a Device is pointed at with its `chunderw` option. */
export const voiceSignalingHost = 'voice-signaling.test';

export interface VoiceSignaling {
  /** The token of every `listen` the Device sent: the first when it connects, then one per `updateToken`. */
  listens: string[];
  /**
   * A heartbeat, resolved when the Device has answered it. Twilio's signaling sends one every few
   * seconds; a Device that hears nothing for 15 s drops the connection.
   */
  heartbeat(): Promise<void>;
}

/**
 * Twilio Voice signaling (PStream, JSON messages): the first `listen` gets `connected` with the
 * token's remaining ttl, which is what arms the Device's `tokenWillExpire`; later ones get nothing,
 * as in the reports that `tokenWillExpire` does not fire again after an update; `register` gets `ready`.
 */
export async function standInVoiceSignaling(page: Page, identity: string): Promise<VoiceSignaling> {
  let socket: WebSocketRoute | undefined;
  const answered: Array<() => void> = [];
  const signaling: VoiceSignaling = {
    listens: [],
    heartbeat: () => new Promise((resolve) => {
      answered.push(resolve);
      socket!.send('\n');
    }),
  };
  await page.routeWebSocket(`wss://${voiceSignalingHost}/signal`, (route) => {
    socket = route;
    route.onMessage((message) => {
      if (message === '\n') {
        answered.shift()?.();
        return;
      }
      const { type, payload } = JSON.parse(String(message)) as { type: string; payload: { token?: string } };
      if (type === 'listen' && payload.token !== undefined) {
        signaling.listens.push(payload.token);
        if (signaling.listens.length === 1) {
          const ttl = expiryOf(payload.token) - Math.floor(Date.now() / 1000);
          route.send(JSON.stringify({ type: 'connected', payload: { token: { identity, ttl }, region: 'gll', home: 'us1' } }));
        }
      } else if (type === 'register') {
        route.send(JSON.stringify({ type: 'ready', payload: {} }));
      }
    });
  });
  return signaling;
}

/** The twilsock URL a Conversations Client is pointed at with its `twilsock.uri` option. */
export const twilsockUrl = 'wss://twilsock.test/v3/wsconnect';

export interface Twilsock {
  /** The connection, once the Client has opened it. */
  socket?: WebSocketRoute;
  /** The methods of the frames the Client sent (`init` first). */
  methods: string[];
  /** What the service sends 3 minutes before the token expires (a `client_update`): the Client emits `tokenAboutToExpire`. */
  tokenAboutToExpire(): void;
  /** What the service sends when the token has expired (a `close` with status 410): the Client emits `tokenExpired`. */
  tokenExpired(): void;
}

/** Twilsock, Twilio's framed WebSocket protocol (`TWILSOCK V3.0 <header size>\r\n<header>\r\n<payload>`). */
export async function standInTwilsock(page: Page): Promise<Twilsock> {
  const twilsock: Twilsock = {
    methods: [],
    tokenAboutToExpire: () => twilsock.socket!.send(frame({ method: 'client_update', client_update_type: 'token_about_to_expire', id: 'TM1' })),
    tokenExpired: () => twilsock.socket!.send(frame({ method: 'close', id: 'TM2', status: { code: 410, status: 'TOKEN_EXPIRED' } })),
  };
  await page.routeWebSocket(twilsockUrl, (socket) => {
    twilsock.socket = socket;
    socket.onMessage((message) => {
      const text = Buffer.isBuffer(message) ? message.toString('utf8') : message;
      const header = text.split('\r\n')[1];
      twilsock.methods.push((JSON.parse(header) as { method: string }).method);
    });
  });
  return twilsock;
}

function frame(header: Record<string, unknown>): Buffer {
  const headerText = JSON.stringify({ ...header, payload_size: 0 });
  return Buffer.from(`TWILSOCK V3.0 ${Buffer.byteLength(headerText)}\r\n${headerText}\r\n`);
}

/** A JWT's `exp`, read without verifying: the stand-ins trust what the test minted. */
export function expiryOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number }).exp;
}
