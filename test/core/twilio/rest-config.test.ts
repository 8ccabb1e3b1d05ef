import { problemOf } from '../../support/problem';
import { readTwilioRestSettings } from '../../../src/core/twilio/rest-config';

describe('readTwilioRestSettings', () => {
  it('defaults to group rooms in US1 with Twilio\'s own hosts', () => {
    expect(readTwilioRestSettings({})).toEqual({
      roomType: 'group', region: undefined, videoBaseUrl: undefined, conversationsBaseUrl: undefined,
    });
  });

  it('reads every setting, ignoring case in the room type and Region', () => {
    expect(readTwilioRestSettings({
      TWILIO_ROOM_TYPE: ' Group-Small ',
      TWILIO_REGION: 'IE1',
      TWILIO_VIDEO_BASE_URL: 'http://127.0.0.1:4010/',
      TWILIO_CONVERSATIONS_BASE_URL: 'https://twilio-stand-in.staging.example/conversations/',
    })).toEqual({
      roomType: 'group-small',
      region: 'ie1',
      videoBaseUrl: 'http://127.0.0.1:4010',
      conversationsBaseUrl: 'https://twilio-stand-in.staging.example/conversations',
    });
  });

  it('treats blank variables as unset', () => {
    expect(readTwilioRestSettings({ TWILIO_ROOM_TYPE: ' ', TWILIO_REGION: '', TWILIO_VIDEO_BASE_URL: '' }))
      .toEqual(readTwilioRestSettings({}));
  });

  it.each(['http://localhost:4010', 'http://[::1]:4010', 'http://127.0.0.2'])('accepts http to the loopback host %s', (url) => {
    expect(readTwilioRestSettings({ TWILIO_VIDEO_BASE_URL: url }).videoBaseUrl).toBe(url);
  });

  it('rejects an unknown room type, naming the choices', () => {
    const problem = problemOf(() => readTwilioRestSettings({ TWILIO_ROOM_TYPE: 'large' }));
    expect([problem.code, problem.status, problem.message])
      .toEqual(['config_invalid', 500, 'TWILIO_ROOM_TYPE is not one of group, group-small, peer-to-peer, go.']);
  });

  it('rejects an unknown Region, naming the choices', () => {
    const problem = problemOf(() => readTwilioRestSettings({ TWILIO_REGION: 'eu1' }));
    expect([problem.code, problem.message])
      .toEqual(['config_invalid', 'TWILIO_REGION is not a Twilio Region (au1, br1, de1, ie1, jp1, jp2, sg1, us1, us2).']);
  });

  it.each([
    ['not a URL', 'twilio'],
    ['http to another host', 'http://twilio-stand-in.staging.example'],
    ['another scheme', 'ftp://127.0.0.1'],
    ['credentials in the URL', 'https://SKabc:secret@twilio-stand-in.staging.example'],
    ['a query', 'https://twilio-stand-in.staging.example/?key=1'],
    ['a fragment', 'https://twilio-stand-in.staging.example/#top'],
  ])('rejects a base URL with %s, without echoing it', (_, url) => {
    for (const name of ['TWILIO_VIDEO_BASE_URL', 'TWILIO_CONVERSATIONS_BASE_URL']) {
      const problem = problemOf(() => readTwilioRestSettings({ [name]: url }));
      expect([problem.code, problem.message]).toEqual([
        'config_invalid', `${name} is not an https URL without credentials, query or fragment (http only to a loopback host).`,
      ]);
    }
  });
});
