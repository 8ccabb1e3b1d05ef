import { TwilioResponse } from '../../../src/hosts/node/twilio-response';

describe("TwilioResponse behaves like Twilio's Response", () => {
  test('starts as an empty 200', () => {
    expect(new TwilioResponse()).toMatchObject({ statusCode: 200, headers: {}, body: null });
  });

  test('setters chain', () => {
    const response = new TwilioResponse().setStatusCode(201).setBody({ ok: true }).appendHeader('Vary', 'Origin');
    expect(response).toMatchObject({ statusCode: 201, body: { ok: true }, headers: { Vary: 'Origin' } });
  });

  test('appendHeader appends: a header set twice becomes a list', () => {
    const response = new TwilioResponse().appendHeader('Vary', 'Origin').appendHeader('Vary', 'Accept').appendHeader('Vary', 'Cookie');
    expect(response.headers).toEqual({ Vary: ['Origin', 'Accept', 'Cookie'] });
  });

  test('setHeaders replaces every header', () => {
    const response = new TwilioResponse().appendHeader('X-Old', '1').setHeaders({ 'Content-Type': 'text/plain', 'X-New': '2' });
    expect(response.headers).toEqual({ 'Content-Type': 'text/plain', 'X-New': '2' });
  });

  test('takes status, body and headers in the constructor', () => {
    const response = new TwilioResponse({ statusCode: 202, body: 'queued', headers: { 'X-A': '1' } });
    expect(response).toMatchObject({ statusCode: 202, body: 'queued', headers: { 'X-A': '1' } });
  });

  test('cookies accumulate under Set-Cookie and removeCookie expires one', () => {
    const response = new TwilioResponse().setCookie('a', '1', ['HttpOnly', 'Secure']).setCookie('b', '2').removeCookie('a');
    expect(response.headers).toEqual({ 'Set-Cookie': ['b=2', 'a=;Max-Age=0'] });
    expect(new TwilioResponse().setCookie('a', '1', ['Path=/']).headers).toEqual({ 'Set-Cookie': 'a=1;Path=/' });
  });
});
