/**
 * Twilio Regions and the edge that serves each one's REST API. A Region's hosts are
 * `{product}.{edge}.{region}.twilio.com`: Twilio retired the edgeless `{product}.{region}.twilio.com`
 * form on 2026-04-28, and twilio 6.2 sends that form when given a region alone. The edges are the
 * defaults Twilio's own SDKs map each region to (twilio-java, twilio-csharp, twilio-cli, 2025-11).
 */
const regionEdges = {
  au1: 'sydney',
  br1: 'sao-paulo',
  de1: 'frankfurt',
  ie1: 'dublin',
  jp1: 'tokyo',
  jp2: 'osaka',
  sg1: 'singapore',
  us1: 'ashburn',
  us2: 'umatilla',
} as const;

export type TwilioRegion = keyof typeof regionEdges;

export const twilioRegions = Object.keys(regionEdges) as readonly TwilioRegion[];

export function isTwilioRegion(value: string): value is TwilioRegion {
  return Object.hasOwn(regionEdges, value);
}

/**
 * The base URL of a Twilio REST product in a Region. Without one, or in US1, it is the product's
 * legacy host, which Twilio routes to US1.
 *
 * @example regionalBaseUrl('conversations', 'ie1') // 'https://conversations.dublin.ie1.twilio.com'
 */
export function regionalBaseUrl(product: string, region?: TwilioRegion): string {
  if (region === undefined || region === 'us1') return `https://${product}.twilio.com`;
  return `https://${product}.${regionEdges[region]}.${region}.twilio.com`;
}
