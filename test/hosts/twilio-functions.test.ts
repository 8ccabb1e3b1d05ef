import crypto from 'node:crypto';
import { join } from 'node:path';
import { twilioFunction } from '../../src/hosts/twilio-functions';
import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../support/fixtures';
import { root } from '../support/server';
import { verifyTwilioToken } from '../support/verify';

/** twilio-run's own Twilio.Response; its package exports hide the file, so it is loaded by path. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Response } = require(join(root, 'node_modules/@twilio/runtime-handler/dist/dev-runtime/internal/response.js'));

interface Served {
  statusCode: number;
  body: Record<string, unknown>;
  headers: Record<string, unknown>;
}

let privateAssets: Record<string, string> = {};
let logLines: string[];

beforeAll(() => {
  Object.assign(globalThis, {
    Twilio: { Response },
    Runtime: { getAssets: () => Object.fromEntries(Object.entries(privateAssets).map(([path, text]) => [path, { path, open: () => text }])) },
  });
});
beforeEach(() => {
  privateAssets = {};
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logLines.push(line); });
});
afterEach(() => jest.restoreAllMocks());

/** Calls a handler as Twilio's runtime does: a fresh context object per request, event with `request`. */
function serve(handler: ReturnType<typeof twilioFunction>, context: object, event: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Served> {
  const fullContext = Object.defineProperties(
    { getTwilioClient: () => { throw new Error('not in tests'); }, DOMAIN_NAME: 'localhost:3000' },
    Object.getOwnPropertyDescriptors(context),
  );
  return new Promise((resolve, reject) => {
    void handler(fullContext as never, { ...event, request: { headers, cookies: {} } } as never, (error, response) => {
      if (error) reject(error);
      else resolve((response as { serialize(): Served }).serialize());
    });
  });
}

describe('twilioFunction', () => {
  test('answers as Twilio sends it: JSON body, the reply\'s status and headers', async () => {
    const served = await serve(twilioFunction('/token'), fullTwilioEnv, { identity: 'alice' }, { origin: 'https://any.example' });
    expect(served.statusCode).toBe(200);
    expect(JSON.parse(served.body as unknown as string)).toMatchObject({ identity: 'alice', grants: ['video', 'chat', 'voice', 'sync'] });
    expect(served.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8' });
  });

  test('sends a text answer as it is: the quickstarts\' bare token, no JSON quotes', async () => {
    const served = await serve(twilioFunction('/accessToken'), fullTwilioEnv, { identity: 'alice' });
    expect(served.statusCode).toBe(200);
    expect(served.headers).toMatchObject({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    const { payload } = await verifyTwilioToken(served.body as unknown as string, twilioCredentials.API_SECRET);
    expect(payload.grants).toMatchObject({ identity: 'alice' });
  });

  test('reads the configuration once per warm container: the key is parsed once for many requests', async () => {
    const parse = jest.spyOn(crypto, 'createPrivateKey');
    const handler = twilioFunction('/vonage-token');
    for (const identity of ['a', 'b', 'c']) expect((await serve(handler, vonageEnv(), { identity })).statusCode).toBe(200);
    expect(parse).toHaveBeenCalledTimes(1);
    await serve(twilioFunction('/vonage-token'), vonageEnv(), { identity: 'd' });
    expect(parse).toHaveBeenCalledTimes(2);
  });

  test('reads the Vonage key from the private asset through Runtime.getAssets()', async () => {
    privateAssets = { '/vonage-private.key': vonageKeys().privatePem };
    const served = await serve(twilioFunction('/vonage-token'), { VONAGE_APPLICATION_ID: vonageEnv().VONAGE_APPLICATION_ID }, { identity: 'alice' });
    expect(served.statusCode).toBe(200);
  });

  test('reads only data properties of the context, never twilio-run\'s warning getters', async () => {
    const context: Record<string, unknown> = { ...fullTwilioEnv };
    delete context.SERVICE_SID;
    Object.defineProperty(context, 'SERVICE_SID', { enumerable: true, get: () => { throw new Error('getter read'); } });
    const served = await serve(twilioFunction('/token'), context, { identity: 'alice' });
    expect(JSON.parse(served.body as unknown as string).grants).toEqual(['video', 'voice', 'sync']);
  });

  test('writes one log line per request with the endpoint, status and outcome, never the token or secret', async () => {
    const served = await serve(twilioFunction('/token'), fullTwilioEnv, { identity: 'alice', grants: 'video', ttl: '600' });
    const token = JSON.parse(served.body as unknown as string).token as string;
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0])).toEqual({
      time: expect.any(String), event: 'token', endpoint: '/token', status: 200, outcome: 'issued',
      identity: 'alice', grants: ['video'], ttl: 600,
    });
    expect(logLines[0]).not.toContain(token);
    expect(logLines[0]).not.toContain(twilioCredentials.API_SECRET);
  });

  test('warns once per warm container when served beyond localhost with AUTH_MODE=none', async () => {
    const deployed = { ...fullTwilioEnv, DOMAIN_NAME: 'tokens-1234-dev.twil.io' };
    const handler = twilioFunction('/token');
    await serve(handler, deployed, { identity: 'alice' });
    await serve(handler, deployed, { identity: 'bob' });
    await serve(twilioFunction('/token'), fullTwilioEnv, { identity: 'carol' });
    const warnings = logLines.map((line) => JSON.parse(line)).filter((line) => line.event === 'auth_disabled');
    expect(warnings).toEqual([{ time: expect.any(String), level: 'warn', event: 'auth_disabled', message: expect.stringContaining('AUTH_MODE is none') }]);
  });
});
