import type { Vendor } from './config/config';
import type { Endpoint } from './endpoint';

/** One endpoint: where it is served, which vendor's configuration it needs (none for `/about`), and its code. */
export interface EndpointEntry {
  /** The URL path; on Twilio the Function's file name too (`/token` → `token.js`). */
  path: string;
  vendor?: Vendor;
  /** Loads the endpoint's module on first use, so a Function or host only loads what it serves. */
  load: () => Promise<Endpoint>;
}

/**
 * Every endpoint, in one table: the build makes one Twilio Function per entry and the Node host
 * routes each path, so a new endpoint is one entry here.
 */
export const endpoints: readonly EndpointEntry[] = [
  { path: '/token', vendor: 'twilio', load: async () => (await import('./twilio/endpoint')).twilioTokenEndpoint },
  { path: '/vonage-token', vendor: 'vonage', load: async () => (await import('./vonage/endpoint')).vonageTokenEndpoint },
  // The Voice quickstarts' requests, answered with the bare token (iOS asks /accessToken, Android /access-token).
  { path: '/accessToken', vendor: 'twilio', load: async () => (await import('./twilio/quickstart')).quickstartTokenEndpoint('ios') },
  { path: '/access-token', vendor: 'twilio', load: async () => (await import('./twilio/quickstart')).quickstartTokenEndpoint('android') },
  // What the page at / shows before it asks for a token: the endpoints set up, caller authentication.
  { path: '/about', load: async () => (await import('./about')).aboutEndpoint },
];

/**
 * The endpoint at `path`, loaded once.
 *
 * @example const endpoint = await endpointAt('/token');
 */
export function endpointAt(path: string): Promise<Endpoint> {
  const entry = endpoints.find((candidate) => candidate.path === path);
  if (entry === undefined) throw new Error(`No endpoint is served at ${path}.`);
  return entry.load();
}
