import { problemOf } from '../../support/problem';
import { mergeParams, parseBody, parseQuery } from '../../../src/core/request/parse';
import { Problem } from '../../../src/core/problem';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('parseBody', () => {
  test('a JSON object becomes the parameters', () => {
    expect(parseBody('application/json; charset=utf-8', body('{"identity":"alice","grants":["video"]}')))
      .toEqual({ identity: 'alice', grants: ['video'] });
  });

  test('a form takes field names literally and repeated fields become arrays', () => {
    expect(parseBody('application/x-www-form-urlencoded', body('identity=al%20ice&grants=video&grants=chat&acl[paths]=x')))
      .toEqual({ identity: 'al ice', grants: ['video', 'chat'], 'acl[paths]': 'x' });
  });

  test('an empty body and other content types carry no parameters', () => {
    expect(parseBody('application/json', body(''))).toEqual({});
    expect(parseBody('text/plain', body('identity=alice'))).toEqual({});
    expect(parseBody(undefined, body('{"identity":"alice"}'))).toEqual({});
  });

  test('malformed JSON is a body_invalid problem that does not echo the body', () => {
    const problem = problemOf(() => parseBody('application/json', body('{"identity": secret-value')));
    expect(problem).toBeInstanceOf(Problem);
    expect(problem.toBody()).toEqual({
      type: 'urn:rtc-token-service:problem:body_invalid', title: 'Request body is not valid', status: 400,
      detail: 'The request body is not valid JSON.', code: 'body_invalid',
    });
  });

  test.each(['[1,2]', '"alice"', '42', 'null'])('JSON %s is not an object of parameters', (text) => {
    expect(problemOf(() => parseBody('application/json', body(text))).toBody()).toMatchObject({
      code: 'body_invalid', detail: 'A JSON request body must be an object of parameters.',
    });
  });
});

describe('parseQuery', () => {
  test('+ is a space, repeated names become arrays and brackets a nested value, as Twilio parses queries', () => {
    expect(parseQuery('identity=al+ice&grants=video&grants=chat&acl%5Bpaths%5D=x&empty=&bare&%5Bodd%5D=y')).toEqual({
      identity: 'al ice', grants: ['video', 'chat'], acl: { '[paths]': 'x' }, empty: '', bare: '', '[odd]': 'y',
    });
    expect(parseQuery('identity=alice&identity[name]=bob')).toEqual({ identity: ['alice', { '[name]': 'bob' }] });
  });

  test('decodes UTF-8 percent-encoding', () => {
    expect(parseQuery('identity=%F0%9F%A6%8A%C3%A9')).toEqual({ identity: '🦊é' });
  });

  test.each(['identity=a%FFb', 'identity=a%C3', 'identity=%ZZ', 'identity=100%', 'a%FF=b', 'identity=%ED%A0%80'])(
    '%s is param_invalid, never a literal or U+FFFD', (query) => {
      expect(problemOf(() => parseQuery(query)).toBody()).toEqual({
        type: 'urn:rtc-token-service:problem:param_invalid', title: 'Parameter is not valid', status: 400,
        detail: 'The query string is not valid percent-encoded UTF-8.', code: 'param_invalid',
      });
    });

  test('a __proto__ parameter is a parameter, not a prototype', () => {
    const params = parseQuery('__proto__=x&identity=alice');
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(params, '__proto__')?.value).toBe('x');
    expect(({} as Record<string, unknown>).identity).toBeUndefined();
    const merged = mergeParams(params, JSON.parse('{"__proto__":{"identity":"mallory"}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged.identity).toBe('alice');
  });
});

describe('parseBody refuses bytes that are not UTF-8', () => {
  test.each([
    ['a form with a raw 0xFF byte', 'application/x-www-form-urlencoded', Buffer.from([0x69, 0x64, 0x65, 0x6e, 0x74, 0x69, 0x74, 0x79, 0x3d, 0x61, 0xff, 0x62])],
    ['JSON with a raw 0xFF byte', 'application/json', Buffer.concat([Buffer.from('{"identity":"a'), Buffer.from([0xff]), Buffer.from('b"}')])],
  ])('%s is body_invalid', (_name, type, bytes) => {
    expect(problemOf(() => parseBody(type, bytes)).toBody()).toMatchObject({ code: 'body_invalid', detail: 'The request body is not valid UTF-8.' });
  });

  test('a form with undecodable percent-encoding is body_invalid', () => {
    expect(problemOf(() => parseBody('application/x-www-form-urlencoded', body('identity=a%FFb'))).toBody())
      .toMatchObject({ code: 'body_invalid', detail: 'The form body is not valid percent-encoded UTF-8.' });
  });
});

describe('mergeParams', () => {
  test('a name in both the query and the body is a repeated parameter', () => {
    expect(mergeParams(parseQuery('identity=alice&ttl=600'), { identity: 'mallory', grants: ['video'] })).toEqual({
      identity: ['alice', 'mallory'], ttl: '600', grants: ['video'],
    });
  });
});
