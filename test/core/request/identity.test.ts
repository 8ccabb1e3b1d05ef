import { refusalOf } from '../../support/problem';
import { identityFault, validateConnectionData, validateIdentity, validateRoomName } from '../../../src/core/request/identity';

/** The problem `run` throws: code, status and detail exact. */
const fox = '\u{1F98A}';

describe('validateIdentity', () => {
  test.each([
    ['alice'],
    ['alice@example.com'],
    ['user-42_x.y'],
    ['Zo\u00EB'],
    ['\u674E\u5C0F\u9F99'],
    [fox],
    ['a'.repeat(128)],
    [fox.repeat(128)],
  ])('accepts %j', (identity) => {
    expect(validateIdentity(identity)).toBe(identity);
  });

  test.each([[undefined], [null], ['']])('%j is identity_missing', (value) => {
    expect(refusalOf(() => validateIdentity(value))).toEqual({
      code: 'identity_missing', status: 400, detail: 'identity is required: pass ?identity=<name>.',
    });
  });

  test.each([[12345], [true], [['alice']], [{ name: 'alice' }]])('the JSON value %j is identity_invalid, not its text', (value) => {
    expect(refusalOf(() => validateIdentity(value))).toEqual({ code: 'identity_invalid', status: 400, detail: 'identity must be a string.' });
  });

  test('refuses 129 characters, counting code points', () => {
    expect(refusalOf(() => validateIdentity('a'.repeat(129)))).toEqual({
      code: 'identity_invalid', status: 400, detail: 'identity must be at most 128 characters.',
    });
    expect(refusalOf(() => validateIdentity(fox.repeat(129))).detail).toBe('identity must be at most 128 characters.');
  });

  test.each([
    ['zero-width space', 'alice\u200B', 'invisible formatting characters (U+200B at character 6)'],
    ['zero-width non-joiner', 'alice\u200C', 'invisible formatting characters (U+200C at character 6)'],
    ['zero-width joiner', 'alice\u200D', 'invisible formatting characters (U+200D at character 6)'],
    ['right-to-left override', 'alice\u202Enimda', 'invisible formatting characters (U+202E at character 6)'],
    ['left-to-right embedding', '\u202Aalice', 'invisible formatting characters (U+202A at character 1)'],
    ['first strong isolate', 'alice\u2068', 'invisible formatting characters (U+2068 at character 6)'],
    ['left-to-right isolate', '\u2066alice\u2069', 'invisible formatting characters (U+2066 at character 1)'],
    ['pop directional isolate', 'alice\u2069', 'invisible formatting characters (U+2069 at character 6)'],
    ['soft hyphen alone', '\u00AD', 'invisible formatting characters (U+00AD at character 1)'],
    ['byte order mark', '\uFEFF', 'invisible formatting characters (U+FEFF at character 1)'],
    ['word joiner', 'al\u2060ice', 'invisible formatting characters (U+2060 at character 3)'],
    ['Hangul filler', 'alice\u3164', 'invisible characters (U+3164 at character 6)'],
    ['variation selector', 'alice\uFE0F', 'invisible characters (U+FE0F at character 6)'],
    ['combining grapheme joiner', 'alice\u034F', 'invisible characters (U+034F at character 6)'],
    ['replacement character', 'a\uFFFDb', 'U+FFFD, which stands for bytes that could not be decoded (U+FFFD at character 2)'],
    ['NUL', 'a\u0000b', 'control characters (U+0000 at character 2)'],
    ['line feed', 'alice\n', 'control characters (U+000A at character 6)'],
    ['tab', 'al\tice', 'control characters (U+0009 at character 3)'],
    ['DEL', 'alice\u007F', 'control characters (U+007F at character 6)'],
    ['next line (C1)', 'alice\u0085', 'control characters (U+0085 at character 6)'],
    ['unpaired high surrogate', 'alice\uD800', 'unpaired surrogates (U+D800 at character 6)'],
    ['unpaired low surrogate', '\uDC00alice', 'unpaired surrogates (U+DC00 at character 1)'],
    ['space', 'alice bob', 'whitespace (U+0020 at character 6)'],
    ['no-break space', 'alice\u00A0', 'whitespace (U+00A0 at character 6)'],
    ['ideographic space', '\u3000alice', 'whitespace (U+3000 at character 1)'],
    ['line separator', 'alice\u2028', 'line separators (U+2028 at character 6)'],
    ['paragraph separator', 'alice\u2029', 'line separators (U+2029 at character 6)'],
  ])('refuses a %s: identity_invalid naming the code point, not the identity', (_name, identity, fault) => {
    const refused = refusalOf(() => validateIdentity(identity));
    expect(refused).toEqual({ code: 'identity_invalid', status: 400, detail: `identity must not contain ${fault}.` });
    expect(refused.detail).not.toContain('alice');
  });

  test.each([
    ['e + combining acute (NFD)', 'e\u0301'],
    ['Zoe + combining diaeresis', 'Zoe\u0308'],
    ['Angstrom sign (NFC turns it into U+00C5)', '\u212B'],
    ['Hangul as conjoining jamo', '\u1100\u1161'],
  ])('refuses text that is not NFC rather than normalising it: %s', (_name, identity) => {
    expect(refusalOf(() => validateIdentity(identity))).toEqual({
      code: 'identity_invalid', status: 400, detail: 'identity must be in Unicode normalization form C (NFC).',
    });
  });
});

describe('identityFault, for identities taken from a verified token', () => {
  test.each([
    [undefined, 'is missing'],
    ['', 'is missing'],
    [12345, 'must be a string'],
    ['alice\u200B', 'must not contain invisible formatting characters (U+200B at character 6)'],
    ['e\u0301', 'must be in Unicode normalization form C (NFC)'],
  ])('%j: %s', (value, fault) => {
    expect(identityFault(value)).toBe(fault);
  });

  test('accepts what validateIdentity accepts', () => {
    expect(identityFault('alice@example.com')).toBeUndefined();
  });
});

describe('validateRoomName', () => {
  test.each([['standup'], ['daily standup'], ['r\u00E9union d\u2019\u00E9quipe'], ['r'.repeat(128)]])('accepts %j', (room) => {
    expect(validateRoomName(room)).toBe(room);
  });

  test.each([[undefined], [null], ['']])('%j is no room', (value) => {
    expect(validateRoomName(value)).toBeUndefined();
  });

  test.each([
    [42, 'room must be a string.'],
    [['a', 'b'], 'room must be a string.'],
    ['r'.repeat(129), 'room must be at most 128 characters.'],
    [' standup', 'room must not start or end with a space.'],
    ['standup ', 'room must not start or end with a space.'],
    ['daily\u00A0standup', 'room must not contain whitespace other than spaces (U+00A0 at character 6).'],
    ['daily\tstandup', 'room must not contain control characters (U+0009 at character 6).'],
    ['standup\u200B', 'room must not contain invisible formatting characters (U+200B at character 8).'],
    ['standup\u3164', 'room must not contain invisible characters (U+3164 at character 8).'],
    ['a\uFFFDb', 'room must not contain U+FFFD, which stands for bytes that could not be decoded (U+FFFD at character 2).'],
    ['\uD83D', 'room must not contain unpaired surrogates (U+D83D at character 1).'],
    ['caf\u0065\u0301', 'room must be in Unicode normalization form C (NFC).'],
  ])('refuses %j: param_invalid', (value, detail) => {
    expect(refusalOf(() => validateRoomName(value))).toEqual({ code: 'param_invalid', status: 400, detail });
  });
});

describe('validateConnectionData', () => {
  test.each([
    ['{"name":"Zo\u00EB"}'],
    ['Bonjour\u00A0!'],
    ['\u2764\uFE0F team'],
    ['x'.repeat(1000)],
    [fox.repeat(1000)],
  ])('accepts %j', (data) => {
    expect(validateConnectionData(data)).toBe(data);
  });

  test.each([[undefined], [null], ['']])('%j is no data', (value) => {
    expect(validateConnectionData(value)).toBeUndefined();
  });

  test.each([
    [12, 'data must be a string.'],
    [{ name: 'alice' }, 'data must be a string.'],
    ['x'.repeat(1001), 'data must be at most 1000 characters.'],
    ['{"name":\n"alice"}', 'data must not contain control characters (U+000A at character 9).'],
    ['{"name":"\u202Eecila"}', 'data must not contain invisible formatting characters (U+202E at character 10).'],
    ['\uFEFF{}', 'data must not contain invisible formatting characters (U+FEFF at character 1).'],
    ['a\u2028b', 'data must not contain line separators (U+2028 at character 2).'],
    ['a\uFFFDb', 'data must not contain U+FFFD, which stands for bytes that could not be decoded (U+FFFD at character 2).'],
    ['Zoe\u0308', 'data must be in Unicode normalization form C (NFC).'],
  ])('refuses %j: data_invalid', (value, detail) => {
    expect(refusalOf(() => validateConnectionData(value))).toEqual({ code: 'data_invalid', status: 400, detail });
  });
});

describe('names never hold percent-encoding, which only a decoder that gave up leaves behind', () => {
  test.each(['a%FFb', '%41lice', 'alice%2f'])('identity %p is identity_invalid', (identity) => {
    expect(() => validateIdentity(identity)).toThrow(/^identity must not contain percent-encoding \(%[0-9A-Fa-f]{2} at character \d+\)\.$/);
  });

  test('a room name is param_invalid; connection data may hold it', () => {
    expect(() => validateRoomName('stand%20up')).toThrow('room must not contain percent-encoding (%20 at character 6).');
    expect(validateConnectionData('{"discount":"50%25"}')).toBe('{"discount":"50%25"}');
  });

  test('a lone percent sign is fine', () => {
    expect(validateIdentity('100%alice')).toBe('100%alice');
  });
});

describe('printable ASCII takes a shorter path to the same answers', () => {
  test.each([
    ['alice', undefined],
    ['alice smith', 'identity must not contain whitespace (U+0020 at character 6).'],
    ['a'.repeat(129), 'identity must be at most 128 characters.'],
    ['a%41', 'identity must not contain percent-encoding (%41 at character 2).'],
  ])('identity %p', (identity, detail) => {
    if (detail === undefined) expect(validateIdentity(identity)).toBe(identity);
    else expect(() => validateIdentity(identity)).toThrow(detail);
  });

  test.each([['daily standup', 'daily standup'], [' standup', 'room must not start or end with a space.'], ['r'.repeat(129), 'room must be at most 128 characters.']])('room %p', (room, expected) => {
    if (expected === room) expect(validateRoomName(room)).toBe(room);
    else expect(() => validateRoomName(room)).toThrow(expected);
  });
});
