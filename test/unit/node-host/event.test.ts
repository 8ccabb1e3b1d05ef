import type { IncomingMessage } from 'node:http';
import { buildEvent, eventHeaders, parseCookies } from '../../../src/hosts/node/event';

function request(rawHeaders: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
  return { rawHeaders, headers } as unknown as IncomingMessage;
}

describe('buildEvent builds `event` as Twilio does', () => {
  test('query, then body, then request with headers and cookies', () => {
    const req = request(['Host', 'tokens.example', 'Origin', 'https://app.example', 'Cookie', 'session=abc']);
    expect(buildEvent(req, 'identity=alice&ttl=600', { ttl: '900', grants: 'video' })).toEqual({
      identity: 'alice',
      ttl: '900',
      grants: 'video',
      request: { headers: { host: 'tokens.example', origin: 'https://app.example', cookie: 'session=abc' }, cookies: { session: 'abc' } },
    });
  });

  test('query strings nest and repeat as express parses them', () => {
    const event = buildEvent(request([]), 'identity[name]=alice&grants=video&grants=chat&a.b=c&empty=', {});
    expect(event).toMatchObject({ identity: { name: 'alice' }, grants: ['video', 'chat'], 'a.b': 'c', empty: '' });
  });

  test('a parameter named request cannot replace the real headers', () => {
    const req = request(['Origin', 'https://app.example']);
    const event = buildEvent(req, 'request[headers][origin]=https://evil.example', {});
    expect(event.request).toEqual({ headers: { origin: 'https://app.example' }, cookies: {} });
  });

  test('a __proto__ parameter or header changes no prototype', () => {
    const event = buildEvent(request(['__proto__', 'x', '__proto__', 'y']), '__proto__[polluted]=yes', {});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((event.request as { headers: Record<string, unknown> }).headers.__proto__).toEqual(['x', 'y']);
  });
});

describe('eventHeaders', () => {
  test('lower-cases names and keeps every value of a repeated header', () => {
    expect(eventHeaders(['Accept', 'a', 'X-Custom', '1', 'x-custom', '2', 'X-CUSTOM', '3'])).toEqual({ accept: 'a', 'x-custom': ['1', '2', '3'] });
  });

  test("withholds Twilio's restricted headers: proxy, hop-by-hop and platform ones", () => {
    const withheld = ['X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'https', 'Via', '1.1 proxy', 'Connection', 'keep-alive',
      'Transfer-Encoding', 'chunked', 'Referer', 'https://a.example', 'X-Real-IP', '1.2.3.4', 'Expect', '100-continue',
      'I-Twilio-Idempotency-Token', 't', 'X-Amzn-Trace-Id', 'r', 'Proxy-Authorization', 'Basic x', 'Upgrade', 'h2c'];
    expect(eventHeaders([...withheld, 'Authorization', 'Bearer t'])).toEqual({ authorization: 'Bearer t' });
  });
});

describe('parseCookies', () => {
  test('reads name=value pairs; the first of a repeated name wins', () => {
    expect(parseCookies('a=1; b=2;c=3; a=4')).toEqual({ a: '1', b: '2', c: '3' });
  });

  test('strips quotes and decodes percent-encoding where valid', () => {
    expect(parseCookies('q="quoted"; e=caf%C3%A9; bad=%E0%A4%A')).toEqual({ q: 'quoted', e: 'café', bad: '%E0%A4%A' });
  });

  test('skips pairs without a name or an equals sign', () => {
    expect(parseCookies('flag; =x; ok=1')).toEqual({ ok: '1' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
