import { isTwilioRegion, regionalBaseUrl } from '../../../src/core/twilio/regions';

describe('regionalBaseUrl', () => {
  it('is the legacy host without a Region and in US1, which Twilio routes to US1', () => {
    expect([regionalBaseUrl('video'), regionalBaseUrl('video', 'us1')]).toEqual(['https://video.twilio.com', 'https://video.twilio.com']);
  });

  it.each([
    ['ie1', 'https://conversations.dublin.ie1.twilio.com'],
    ['au1', 'https://conversations.sydney.au1.twilio.com'],
    ['de1', 'https://conversations.frankfurt.de1.twilio.com'],
    ['jp2', 'https://conversations.osaka.jp2.twilio.com'],
    ['us2', 'https://conversations.umatilla.us2.twilio.com'],
  ] as const)('names the edge with the Region %s', (region, url) => {
    expect(regionalBaseUrl('conversations', region)).toBe(url);
  });
});

describe('isTwilioRegion', () => {
  it('knows Twilio\'s Regions and nothing else', () => {
    expect(['ie1', 'au1', 'us1', 'IE1', 'eu1', 'toString', ''].map(isTwilioRegion))
      .toEqual([true, true, true, false, false, false, false]);
  });
});
