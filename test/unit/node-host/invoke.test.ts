import twilio from 'twilio';
import { executionLimitMs, FunctionHandler, invokeFunction, payloadAnswer, responseAnswer } from '../../../src/hosts/node/invoke';
import { TwilioResponse } from '../../../src/hosts/node/twilio-response';

const internalError = {
  status: 500,
  headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json; charset=utf-8' },
  body: JSON.stringify({
    type: 'urn:rtc-token-service:problem:internal_error', title: 'Internal error', status: 500,
    detail: 'The server could not complete the request.', code: 'internal_error',
  }),
};

let logged: string[];
beforeEach(() => {
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('responseAnswer sends a Twilio.Response as Twilio does', () => {
  test('an object body as application/json is JSON-encoded', () => {
    const response = new TwilioResponse().appendHeader('Content-Type', 'application/json; charset=utf-8').setBody({ a: 1 });
    expect(responseAnswer(response)).toEqual({ status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"a":1}' });
  });

  test('a string body as application/json is JSON-encoded too, as Twilio encodes it', () => {
    const response = new TwilioResponse().appendHeader('content-type', 'application/json').setBody('hi');
    expect(responseAnswer(response).body).toBe('"hi"');
  });

  test('a string body with another type goes as it is', () => {
    const response = new TwilioResponse().setStatusCode(400).appendHeader('Content-Type', 'application/problem+json').setBody('{"x":1}');
    expect(responseAnswer(response)).toEqual({ status: 400, headers: { 'Content-Type': 'application/problem+json' }, body: '{"x":1}' });
  });

  test('without a Content-Type, strings are HTML, buffers bytes and objects JSON, as express sends them', () => {
    expect(responseAnswer(new TwilioResponse().setBody('<p>hi</p>')).headers).toEqual({ 'Content-Type': 'text/html; charset=utf-8' });
    expect(responseAnswer(new TwilioResponse().setBody(Buffer.from('x'))).headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect(responseAnswer(new TwilioResponse().setBody({ a: 1 }))).toEqual({
      status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"a":1}',
    });
  });

  test('no body is an empty body; repeated headers stay lists', () => {
    const response = new TwilioResponse().setStatusCode(204).appendHeader('Vary', 'Origin').appendHeader('Vary', 'Accept');
    expect(responseAnswer(response)).toEqual({ status: 204, headers: { Vary: ['Origin', 'Accept'] }, body: '' });
  });
});

describe('payloadAnswer sends what a Function passes to its callback', () => {
  test('a string as text/plain', () => {
    expect(payloadAnswer('hello')).toEqual({ status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'hello' });
  });

  test('TwiML as XML', () => {
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.say('Hello');
    expect(payloadAnswer(twiml)).toEqual({
      status: 200, headers: { 'Content-Type': 'text/xml' }, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>',
    });
  });

  test('a plain object as JSON, nothing as an empty 200', () => {
    expect(payloadAnswer({ a: [1] })).toEqual({ status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"a":[1]}' });
    expect(payloadAnswer(undefined)).toEqual({ status: 200, headers: {}, body: '' });
  });
});

describe('invokeFunction', () => {
  const run = (handler: FunctionHandler) => invokeFunction('/fn', handler, { PATH: '/fn' }, { identity: 'alice' });

  test('passes context and event and resolves with the callback answer', async () => {
    const handler: FunctionHandler = (context, event, callback) => callback(null, { context, event });
    expect(JSON.parse((await run(handler)).body as string)).toEqual({ context: { PATH: '/fn' }, event: { identity: 'alice' } });
  });

  test('the first callback wins', async () => {
    const handler: FunctionHandler = (_context, _event, callback) => {
      callback(null, 'first');
      callback(null, 'second');
    };
    expect((await run(handler)).body).toBe('first');
  });

  test.each<[string, FunctionHandler]>([
    ['callback_error', (_c, _e, callback) => callback(new Error('secret detail'))],
    ['thrown', () => { throw new TypeError('secret detail'); }],
    ['rejected', async () => { throw new RangeError('secret detail'); }],
  ])('a failure (%s) is an internal_error whose message stays out of answer and log', async (reason, handler) => {
    expect(await run(handler)).toEqual(internalError);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ event: 'function_error', path: '/fn', reason });
    expect(logged[0]).not.toContain('secret detail');
  });

  test('a Function that never calls back is stopped at the execution limit', async () => {
    jest.useFakeTimers();
    const answer = run(() => undefined);
    jest.advanceTimersByTime(executionLimitMs);
    expect(await answer).toEqual(internalError);
    expect(JSON.parse(logged[0])).toMatchObject({ event: 'function_error', reason: 'timeout' });
  });
});
