import { parseBody } from '../../../src/hosts/node/request-body';
import { Problem } from '../../../src/core/problem';

const body = (text: string) => Buffer.from(text, 'utf8');

function problemOf(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    return error as Problem;
  }
  throw new Error('expected a problem');
}

describe('parseBody', () => {
  test('a JSON object becomes the parameters', () => {
    expect(parseBody('application/json; charset=utf-8', body('{"identity":"alice","grants":["video"]}')))
      .toEqual({ identity: 'alice', grants: ['video'] });
  });

  test('a form takes field names literally and repeated fields become arrays, as body-parser does', () => {
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
