/**
 * rtc-token-client: the browser ES module this service serves at /rtc-token-client.js. No
 * dependencies: import it from the service, or copy it into an app.
 *
 * @example
 * import { TokenSource, supplyVoiceDevice } from 'https://tokens.example.com/rtc-token-client.js';
 * const source = new TokenSource({ url: 'https://tokens.example.com/token', params: { identity: 'alice', grants: 'voice' } });
 * const device = new Device((await source.get()).token);
 * supplyVoiceDevice(device, source);
 */
export { TokenSource, TokenSourceError } from './client/token-source';
export type { TokenAnswer, TokenSourceOptions } from './client/token-source';
export type { SupplyOptions } from './client/supply';
export { connectTwilioVideo, supplyConversationsClient, supplyVoiceDevice } from './client/twilio';
export type { ConversationsClient, VoiceDevice } from './client/twilio';
export { connectVonageVideo, startVonageSession } from './client/vonage';
export type { VonageClient, VonageSession, VonageVideoSession } from './client/vonage';
