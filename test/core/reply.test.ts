import fc from 'fast-check';
import { jsonReply, replyText, textReply } from '../../src/core/reply';

const jwsSegment = fc.string({ unit: fc.constantFrom(...'ABCxyz019-_'), minLength: 1, maxLength: 40 });
const compactJws = fc.tuple(jwsSegment, jwsSegment, jwsSegment).map((segments) => segments.join('.'));
/** Whatever a body may hold besides its token, JSON-hostile characters included. */
const others = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }).filter((name) => name !== 'token' && name !== '__proto__'),
  fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.constant(null)), { maxKeys: 5 });

describe('replyText', () => {
  test('writes a token answer exactly as JSON.stringify does', () => {
    fc.assert(fc.property(compactJws, others, (token, rest) => {
      const body = { token, ...rest };
      expect(replyText(jsonReply(200, body))).toBe(JSON.stringify(body));
    }), { numRuns: 500 });
  });

  test('escapes a token field that is not a compact JWS, and any body whose first field is not the token', () => {
    for (const body of [
      { token: 'a.b.c"},"admin":true,"x":{"y":"' }, { token: 'a.b.c\u2028' }, { token: 'a.b' }, { token: 42 },
      { identity: 'x"y', token: 'a.b.c' }, {}, { grants: ['video'] },
    ]) {
      expect(replyText(jsonReply(200, body))).toBe(JSON.stringify(body));
    }
  });

  test('sends text as it is', () => {
    expect(replyText(textReply(200, 'a.b.c'))).toBe('a.b.c');
  });
});
