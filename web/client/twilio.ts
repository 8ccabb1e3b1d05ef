import { keepSupplied, SupplyOptions } from './supply';
import { cachedAnswer, TokenSource } from './token-source';

/** An SDK object that emits events as Node's EventEmitter does, as Twilio's SDKs do. */
interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** What the adapter uses of `@twilio/voice-sdk`'s `Device`. */
export interface VoiceDevice extends Emitter {
  readonly token: string | null;
  updateToken(token: string): void;
}

/** What the adapter uses of `@twilio/conversations`' `Client`. */
export interface ConversationsClient extends Emitter {
  updateToken(token: string): Promise<unknown>;
}

/**
 * Keeps a Twilio Voice `Device` supplied: `tokenWillExpire` → `device.updateToken`, and the same
 * before the token goes stale even when the event never comes (the Device arms it only when its
 * signaling connects, and not again after an update). Stops by itself when the Device is destroyed.
 * Returns the function that stops it.
 *
 * @example
 * const device = new Device((await source.get()).token);
 * supplyVoiceDevice(device, source);
 */
export function supplyVoiceDevice(device: VoiceDevice, source: TokenSource, options?: SupplyOptions): () => void {
  const supply = keepSupplied(source, (token) => device.updateToken(token), device.token ?? undefined, options);
  const renew = () => void supply.renew();
  const stop = () => {
    supply.stop();
    device.removeListener('tokenWillExpire', renew);
    device.removeListener('destroyed', stop);
  };
  device.on('tokenWillExpire', renew);
  device.on('destroyed', stop);
  return stop;
}

/**
 * Keeps a Twilio Conversations `Client` supplied: `tokenAboutToExpire` and `tokenExpired` →
 * `client.updateToken`, and the same before the token goes stale, since the service never warns
 * about a TTL under its threshold. `updateToken` waits until the client has initialised, so a
 * token that arrives first is handed over once it can be. Returns the function that stops it.
 *
 * @example
 * const client = new Client((await source.get()).token);
 * supplyConversationsClient(client, source);
 */
export function supplyConversationsClient(client: ConversationsClient, source: TokenSource, options?: SupplyOptions): () => void {
  // The Client does not say which token it holds: the one it was made with is the source's latest.
  const supply = keepSupplied(source, (token) => client.updateToken(token), cachedAnswer(source)?.answer.token, options);
  const renew = () => void supply.renew();
  client.on('tokenAboutToExpire', renew);
  client.on('tokenExpired', renew);
  return () => {
    supply.stop();
    client.removeListener('tokenAboutToExpire', renew);
    client.removeListener('tokenExpired', renew);
  };
}

/**
 * Connects to a Twilio Video room with a token fetched for this connection: Video checks the
 * token when it connects, so each connection gets the longest life there is.
 *
 * @example const room = await connectTwilioVideo(connect, source, { name: 'standup' });
 */
export async function connectTwilioVideo<Room, Options>(
  connect: (token: string, options?: Options) => Promise<Room>, source: TokenSource, options?: Options,
): Promise<Room> {
  const { token } = await source.refresh();
  return connect(token, options);
}
