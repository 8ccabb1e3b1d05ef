import { describe as describeValue, firstInvisible, printable, printableJson } from '../../../src/cli/inspect/printable';

describe('printable', () => {
  test.each([
    ['alice', 'alice'],
    ['alice bob', 'alice bob'],
    ['alice\u200b', 'alice\\u{200B}'],
    ['\u001b[2J', '\\u{1B}[2J'],
    ['a\u009bb', 'a\\u{9B}b'],
    ['a\u202eb', 'a\\u{202E}b'],
    ['tab\there', 'tab\\u{9}here'],
    ['\u{1F600}', '\u{1F600}'],
  ])('%j prints as %j', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });
});

describe('firstInvisible', () => {
  test.each([
    ['alice', undefined],
    ['alice bob', 'U+0020 at position 6'],
    ['\u{1F600}\u00a0', 'U+00A0 at position 2'],
    ['a\ufeff', 'U+FEFF at position 2'],
  ])('%j: %s', (text, found) => {
    expect(firstInvisible(text)).toBe(found);
  });
});

test('describe quotes strings, prints other values as JSON and says "missing" for undefined', () => {
  expect(describeValue('SK1')).toBe('"SK1"');
  expect(describeValue(42)).toBe('42');
  expect(describeValue(undefined)).toBe('missing');
  expect(describeValue({ a: '\u009b' })).toBe('{"a":"\\u{9B}"}');
});

describe('printableJson', () => {
  test('escapes C1 controls, bidi overrides, format characters and non-space separators; keeps its own layout', () => {
    const value = { name: 'a\u009b\u202e\u200b\u2028\u00a0b c', astral: '\u{E0001}x' };
    const text = printableJson(value);
    expect(text).toBe('{\n  "name": "a\\u009b\\u202e\\u200b\\u2028\\u00a0b c",\n  "astral": "\\udb40\\udc01x"\n}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
