import fc from 'fast-check';
import { loadConfig } from '../../src/core/config/config';
import { endpointAt } from '../../src/core/endpoints';
import { jsonReply, replyText, tokenReply } from '../../src/core/reply';
import { startService } from '../../src/core/service';
import { fullTwilioEnv, videoSessionId, vonageEnv } from '../support/fixtures';

/** Compact JWS (base64url segments and dots) and the older base64 token formats alike. */
const tokens = fc.array(fc.string({ unit: fc.constantFrom(...'ABCXYZabcxyz0189-_+/='), maxLength: 60 }), { minLength: 1, maxLength: 3 })
  .map((segments) => segments.join('.'));
/** Members with anything JSON must escape: quotes, backslashes, control and separator characters, lone surrogates. */
const members = fc.dictionary(
  fc.string({ unit: 'binary', maxLength: 8 }).filter((name) => name !== 'token'),
  fc.jsonValue().chain((value) => fc.constantFrom(value, 'o"brien\\\u2028\u0000\ud800')),
  { maxKeys: 6 },
);

describe('tokenReply', () => {
  test('its text is exactly what JSON.stringify writes for the body, whatever the other members hold', () => {
    fc.assert(fc.property(tokens, members, (token, rest) => {
      const body = { token, ...rest };
      const reply = tokenReply(200, body, { Vary: 'Origin' });
      expect(replyText(reply)).toBe(JSON.stringify(body));
      expect(reply.body).toBe(body);
      expect(reply.headers).toEqual(jsonReply(200, body, { Vary: 'Origin' }).headers);
    }), { numRuns: 500 });
  });

  test('a body of the token alone', () => {
    expect(replyText(tokenReply(200, { token: 'e30.e30.c2ln' }))).toBe('{"token":"e30.e30.c2ln"}');
  });

  test.each([
    ['/token', fullTwilioEnv, { identity: 'o"brien\\', grants: 'video,chat,voice', room: 'stand "up"' }],
    ['/vonage-token', vonageEnv(), { identity: 'o"brien\\' }],
    ['/vonage-token', vonageEnv(), { identity: 'o"brien\\', kind: 'video', session_id: videoSessionId }],
  ])('%s answers the text JSON.stringify writes for its body (%o)', async (path, env, params) => {
    const service = startService(loadConfig(env));
    const { reply } = await (await endpointAt(path))({ params, headers: {} }, service);
    expect(reply.status).toBe(200);
    expect(replyText(reply)).toBe(JSON.stringify(reply.body));
  });
});
