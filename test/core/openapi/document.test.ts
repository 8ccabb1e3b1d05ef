import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/core/config/config';
import { Env } from '../../../src/core/config/env';
import { endpointAt, endpoints } from '../../../src/core/endpoints';
import { openApiDocument } from '../../../src/core/openapi/document';
import { problemCodes } from '../../../src/core/problem';
import { Params } from '../../../src/core/request/params';
import { startService } from '../../../src/core/service';
import { fullTwilioEnv, videoSessionId, vonageEnv } from '../../support/fixtures';
import { buildDir } from '../../support/server';

type Doc = Record<string, any>;
const document = openApiDocument() as Doc;

/** The parameter names an endpoint reads while it answers `params`, recorded as it reads them. */
async function namesRead(path: string, env: Env, params: Record<string, unknown>): Promise<Set<string>> {
  const names = new Set<string>();
  const recorded: Params = new Proxy(params, {
    get(target, name, receiver) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name, receiver);
    },
  });
  const endpoint = await endpointAt(path);
  const { reply } = await endpoint({ params: recorded, headers: {} }, startService(loadConfig(env)));
  expect(reply.status).toBe(200);
  return names;
}

/**
 * Requests that together take every branch of the endpoints that reads a parameter: each endpoint
 * and kind, with and without a passcode to read. Only valid requests, so no branch ends early.
 */
const walk: ReadonlyArray<[path: string, env: Env, params: Record<string, unknown>]> = [
  ['/token', fullTwilioEnv, { identity: 'alice' }],
  ['/token', { ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct-horse' }, { identity: 'alice', passcode: 'correct-horse' }],
  ['/vonage-token', vonageEnv(), { identity: 'alice' }],
  ['/vonage-token', vonageEnv(), { identity: 'alice', kind: 'video', session_id: videoSessionId }],
  ['/vonage-token', vonageEnv({ AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct-horse' }), { identity: 'alice', passcode: 'correct-horse' }],
  // With a platform named, the quickstarts hand the request's own parameters on to /token's reader.
  ...['/accessToken', '/access-token'].map((path): [string, Env, Record<string, unknown>] =>
    [path, { ...fullTwilioEnv, AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct-horse' }, { identity: 'alice', platform: 'web', passcode: 'correct-horse' }]),
  ['/about', fullTwilioEnv, {}],
];

/** The query parameters the description gives a path's GET, by name. */
/** The parameters the description gives `path` in its query string. */
function queryParameters(path: string): Set<string> {
  const refs = document.paths[path].get.parameters as Array<{ $ref?: string; name?: string; in?: string }>;
  return new Set(refs.map((parameter) => (parameter.$ref ? document.components.parameters[parameter.$ref.split('/').pop()!] : parameter))
    .filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name as string));
}

/** Every parameter the description gives `path`: its query string's, and its JSON body's (credentials are body-only). */
function describedParameters(path: string): Set<string> {
  const body = document.paths[path].post?.requestBody.content['application/json'].schema.properties ?? {};
  return new Set([...queryParameters(path), ...Object.keys(body)]);
}

describe('the OpenAPI description', () => {
  test('describes every parameter the endpoints read, and nothing they do not', async () => {
    const read = new Map<string, Set<string>>();
    for (const [path, env, params] of walk) {
      const names = read.get(path) ?? new Set();
      (await namesRead(path, env, params)).forEach((name) => names.add(name));
      read.set(path, names);
    }
    for (const [path, names] of read) {
      const described = describedParameters(path);
      expect({ path, undescribed: [...names].filter((name) => !described.has(name)).sort() }).toEqual({ path, undescribed: [] });
      expect({ path, neverRead: [...described].filter((name) => !names.has(name)).sort() }).toEqual({ path, neverRead: [] });
    }
    expect([...read.keys()].sort()).toEqual(endpoints.map((entry) => entry.path).sort());
  });

  test('the JSON and form bodies name the query string\'s parameters and the credentials, which only they carry', () => {
    for (const { path } of endpoints.filter((entry) => document.paths[entry.path].post !== undefined)) {
      const body = document.paths[path].post.requestBody.content;
      const query = queryParameters(path);
      const bodyOnly = Object.keys(body['application/json'].schema.properties).filter((name) => !query.has(name));
      expect({ path, bodyOnly }).toEqual({ path, bodyOnly: path === '/about' ? [] : ['passcode'] });
      expect(Object.keys(body['application/x-www-form-urlencoded'].schema.properties).sort())
        .toEqual(Object.keys(body['application/json'].schema.properties).sort());
    }
  });

  test('documents every problem code of the catalogue in some answer', () => {
    const documented = new Set<string>();
    JSON.stringify(document, (key, value) => {
      if (key === 'code' && Array.isArray(value?.enum) && value.enum.length < problemCodes.length) value.enum.forEach((code: string) => documented.add(code));
      return value;
    });
    expect(problemCodes.filter((code) => !documented.has(code))).toEqual([]);
    expect(document.components.schemas.Problem.properties.code.enum).toEqual(problemCodes);
  });

  test('gives each endpoint GET, POST when it takes parameters, and its preflight; describes the probes, /metrics, the client module and itself', () => {
    expect(Object.fromEntries(Object.entries(document.paths).map(([path, item]) => [path, Object.keys(item as Doc)]))).toEqual({
      ...Object.fromEntries(endpoints.map((entry) => [entry.path, entry.path === '/about' ? ['get', 'options'] : ['get', 'post', 'options']])),
      '/_/health': ['get'], '/_/ready': ['get'], '/metrics': ['get'], '/openapi.json': ['get'], '/rtc-token-client.js': ['get'],
    });
    expect(document.openapi).toBe('3.1.0');
  });

  test('every 503 and 429 requires Retry-After, every 401 WWW-Authenticate', () => {
    const responses = Object.entries(document.components.responses as Record<string, Doc>);
    const missing = responses.filter(([name]) => /(503|429)$/.test(name)).filter(([, response]) => response.headers['Retry-After']?.required !== true)
      .concat(responses.filter(([name]) => /401$/.test(name)).filter(([, response]) => response.headers['WWW-Authenticate']?.required !== true));
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  test('the build serves exactly this document as the asset /openapi.json', () => {
    expect(JSON.parse(readFileSync(join(buildDir, 'assets', 'openapi.json'), 'utf8'))).toEqual(document);
  });
});
