import { aboutApi } from '../about';
import { allowedMethods, allowedRequestHeaders, exposedHeaders } from '../cors';
import { pipelineRefusals } from '../endpoint';
import { endpoints } from '../endpoints';
import { problemCodes, ProblemCode, problemEntry } from '../problem';
import { quickstartTokenApi, twilioTokenApi } from '../twilio/api';
import { vonageTokenApi } from '../vonage/api';
import type { EndpointSpec, JsonSchema, ParamSpec } from './spec';
import packageJson from '../../../package.json';

/** Every endpoint's description, by its path in the endpoint table. */
const endpointSpecs: Readonly<Record<string, EndpointSpec>> = {
  '/token': twilioTokenApi,
  '/vonage-token': vonageTokenApi,
  '/accessToken': quickstartTokenApi,
  '/access-token': quickstartTokenApi,
  '/about': aboutApi,
};

/**
 * Codes of the request itself, before any endpoint sees it: parameters repeated, nested or not
 * UTF-8 (parse.ts), a body over 16 KB (the Node host's request-body.ts), and what Node's HTTP
 * parser refuses (client-error.ts).
 */
const requestRefusals: readonly ProblemCode[] = [
  'param_invalid', 'body_invalid', 'body_too_large', 'request_invalid', 'request_timeout', 'headers_too_large',
];

/** Codes `/_/ready` answers with, always as a 503: a configuration that cannot serve, or a check that fails. */
const readinessRefusals: readonly ProblemCode[] = [
  'config_missing', 'config_invalid', 'state_unavailable', 'overloaded', 'internal_error',
];

const problemMediaType = 'application/problem+json';
const nodeHostOnly = 'Served by the Node host (and so on Vonage Cloud Runtime); Twilio Functions do not serve it.';

/**
 * The OpenAPI 3.1 description of every route, generated from the parameter descriptors beside the
 * code that reads them, the endpoint table and problem.ts's catalogue: a new endpoint without a
 * description fails here, and a new parameter or problem code is described where it is made.
 * Paths carry no server: they are relative to wherever the document is served (`/openapi.json`).
 *
 * @example JSON.stringify(openApiDocument()) // what build/assets/openapi.json holds
 */
export function openApiDocument(): JsonSchema {
  const components: Components = { schemas: { Problem: problemSchema() }, parameters: {}, responses: {} };
  const paths: Record<string, JsonSchema> = {};
  for (const entry of endpoints) {
    const spec = endpointSpecs[entry.path];
    if (spec === undefined) throw new Error(`The endpoint ${entry.path} has no API description in openapi/document.ts.`);
    paths[entry.path] = endpointPath(entry.path, spec, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'rtc-token-service',
      version: packageJson.version,
      license: { name: 'MIT', identifier: 'MIT' },
      description: [
        'Tokens for real-time communication apps: Twilio Access Tokens at `/token`, Vonage JWTs at `/vonage-token`, '
          + 'the same on every host (Twilio Functions, Vonage Cloud Runtime, any Node host).',
        '**Requests.** Token endpoints take GET with a query string, or POST with a JSON object or a form body; query and '
          + 'body merge into one set of flat parameters. A parameter appears once: repeated or nested names are refused.',
        '**Authentication** depends on the deployment\'s `AUTH_MODE`: none, a passcode, or a bearer JWT (`Authorization: Bearer …`).',
        '**CORS.** Every answer of a token endpoint carries `Vary: Origin` and, for an origin `ALLOWED_ORIGINS` lists '
          + '(or any, with `*`), `Access-Control-Allow-Origin`. An unlisted origin gets no allow header, so the browser '
          + 'withholds the answer. Preflights are answered by the same list (on Twilio Functions by Twilio\'s runtime).',
        '**Errors** are RFC 9457 `application/problem+json` with a stable `code`; every 503 carries `Retry-After`. '
          + `A method other than ${allowedMethods} is \`405 method_not_allowed\` with \`Allow\`; a path nothing serves, \`404 not_found\`.`,
      ].join('\n\n'),
    },
    paths: {
      ...paths,
      '/_/health': healthPath(),
      '/_/ready': readyPath(),
      '/metrics': metricsPath(),
      '/openapi.json': assetPath('openApi', 'This description', 'application/json', { type: 'object' }),
      '/rtc-token-client.js': assetPath(
        'tokenClient', 'TokenSource and the SDK adapters: a browser ES module, without dependencies, to import from pages ALLOWED_ORIGINS lists',
        'text/javascript', { type: 'string' },
      ),
    },
    components: {
      ...components,
      responses: { ...components.responses, MethodNotAllowed: problemResponse(['method_not_allowed'], { Allow: ref('Allow', true) }) },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A passcode (`AUTH_MODE=passcode`) or a JWT (`jwt`, `vonage`).' },
        metricsToken: { type: 'http', scheme: 'bearer', description: '`METRICS_TOKEN`.' },
      },
    },
  };
}

/** What GET and POST of every endpoint share, each described once and referred to. */
interface Components {
  schemas: Record<string, JsonSchema>;
  parameters: Record<string, JsonSchema>;
  responses: Record<string, JsonSchema>;
}

/**
 * GET, POST (for an endpoint that takes parameters) and the preflight of one endpoint of the
 * table, its parameters, answer and refusals put in `components`.
 */
function endpointPath(path: string, spec: EndpointSpec, components: Components): JsonSchema {
  const name = operationName(path);
  const query = spec.params.filter((param) => !param.bodyOnly).flatMap(queryParameters).map((parameter) => {
    const key = `${name}.${parameter.name as string}`;
    components.parameters[key] = parameter;
    return { $ref: `#/components/parameters/${key}` };
  });
  components.schemas[`${name}_answer`] = spec.answer.schema;
  const codes = unique<ProblemCode>(spec.tokenPipeline
    ? [...spec.params.flatMap((param) => param.refusals), ...spec.refusals, ...pipelineRefusals, ...requestRefusals]
    : [...spec.refusals, ...requestRefusals, 'internal_error']);
  const headers = answerHeaders(spec.tokenPipeline);
  const refusals = Object.fromEntries(Object.entries(problemResponses(codes, headers)).map(([status, response]) => {
    components.responses[`${name}_${status}`] = response;
    return [status, { $ref: `#/components/responses/${name}_${status}` }];
  }));
  const operation = (method: string) => ({
    summary: spec.summary,
    description: spec.description,
    operationId: `${method}_${name}`,
    // Credentials are optional here: whether they are needed is the deployment's AUTH_MODE.
    ...(spec.tokenPipeline ? { security: [{}, { bearer: [] }] } : {}),
    parameters: [...query, originHeader],
    responses: {
      200: {
        description: spec.tokenPipeline ? 'The token, and what a client needs to use it.' : 'The answer.',
        headers,
        content: { [spec.answer.mediaType]: { schema: { $ref: `#/components/schemas/${name}_answer` } } },
      },
      ...refusals,
    },
  });
  const post = spec.params.length === 0 ? {} : {
    post: {
      ...operation('post'),
      requestBody: {
        description: 'The parameters described for the query string, which merges with the body: a name in both counts as repeated.',
        content: {
          'application/json': { schema: bodySchema(spec.params, (param) => param.json ?? param.text) },
          'application/x-www-form-urlencoded': { schema: bodySchema(spec.params, (param) => param.text) },
        },
      },
    },
  };
  return { get: operation('get'), ...post, options: preflightOperation(name) };
}

function queryParameters(param: ParamSpec): JsonSchema[] {
  return [param.name, ...(param.aliases ?? [])].map((name) => ({
    name, in: 'query', required: false, schema: param.text,
    description: name === param.name ? param.description : `Another name for \`${param.name}\`; both with different values is \`param_invalid\`.`,
  }));
}

function bodySchema(params: readonly ParamSpec[], schemaOf: (param: ParamSpec) => JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const param of params) {
    for (const name of [param.name, ...(param.aliases ?? [])]) properties[name] = schemaOf(param);
  }
  // Names the endpoint does not read are ignored, as in a query string.
  return { type: 'object', properties };
}

function preflightOperation(name: string): JsonSchema {
  return {
    summary: 'CORS preflight',
    description: 'Answered by the `ALLOWED_ORIGINS` list: a listed origin gets the allow headers, an unlisted one none. '
      + 'On Twilio Functions, Twilio\'s runtime answers preflights itself.',
    operationId: `preflight${name}`,
    parameters: [
      originHeader,
      { name: 'Access-Control-Request-Method', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'Access-Control-Request-Headers', in: 'header', required: false, schema: { type: 'string' } },
    ],
    responses: {
      204: {
        description: 'Preflight answer.',
        headers: {
          Vary: ref('Vary', true),
          'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin'),
          'Access-Control-Allow-Methods': { description: 'For a listed origin.', schema: { const: allowedMethods } },
          'Access-Control-Allow-Headers': { description: 'For a listed origin.', schema: { const: allowedRequestHeaders } },
          'Access-Control-Max-Age': { description: 'For a listed origin: seconds a browser may keep the answer.', schema: { type: 'string', pattern: '^[0-9]+$' } },
        },
      },
    },
  };
}

function healthPath(): JsonSchema {
  return {
    get: {
      summary: 'Liveness', description: `200 once listening. ${nodeHostOnly}`, operationId: 'health',
      responses: { 200: jsonAnswer('Listening.', { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } }) },
    },
  };
}

function readyPath(): JsonSchema {
  const ok = { const: 'ok' };
  return {
    get: {
      summary: 'Readiness',
      description: 'Whether this deployment can issue tokens: its configuration, a token minted per configured vendor '
        + `(checked at most once a minute), and the shared state store (asked every time). ${nodeHostOnly}`,
      operationId: 'ready',
      responses: {
        200: jsonAnswer('Ready.', {
          type: 'object', required: ['status', 'checks'], additionalProperties: false,
          properties: {
            status: { const: 'ready' },
            checks: { type: 'object', additionalProperties: false, properties: { twilio: ok, vonage: ok, state: ok } },
          },
        }),
        503: problemResponse(readinessRefusals, { 'Cache-Control': ref('Cache-Control', true) }, 503),
      },
    },
  };
}

function metricsPath(): JsonSchema {
  return {
    get: {
      summary: 'Prometheus metrics',
      description: 'The Prometheus text exposition, with `METRICS_TOKEN` as the bearer token; without `METRICS_TOKEN` '
        + `there is no such route (404). ${nodeHostOnly}`,
      operationId: 'metrics',
      security: [{ metricsToken: [] }],
      responses: {
        200: {
          description: 'Every series: tokens issued and refused, request and upstream timings, the state store, the RSA signing queue, the process.',
          headers: { 'Cache-Control': ref('Cache-Control', true) },
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...problemResponses(['auth_required', 'auth_invalid', 'not_found'], { 'Cache-Control': ref('Cache-Control', true) }),
      },
    },
  };
}

function jsonAnswer(description: string, schema: JsonSchema): JsonSchema {
  return { description, content: { 'application/json': { schema } } };
}

/** A public asset the service ships, with its CORS on the Node host. */
function assetPath(operationId: string, summary: string, mediaType: string, schema: JsonSchema): JsonSchema {
  return {
    get: {
      summary,
      description: 'A static asset, the same on every host. The Node host answers listed origins with CORS, as it answers the endpoints.',
      operationId,
      parameters: [originHeader],
      responses: {
        200: {
          description: summary,
          headers: { Vary: ref('Vary'), 'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin') },
          content: { [mediaType]: { schema } },
        },
      },
    },
  };
}

/**
 * Headers of every answer of an endpoint, its token or problem: CORS, no caching and, behind the
 * token pipeline, the limits' fields once a limit counted the request.
 */
function answerHeaders(tokenPipeline: boolean): Record<string, JsonSchema> {
  return {
    'Cache-Control': ref('Cache-Control', true),
    Vary: ref('Vary', true),
    'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin'),
    'Access-Control-Expose-Headers': ref('Access-Control-Expose-Headers'),
    ...(tokenPipeline ? { RateLimit: ref('RateLimit'), 'RateLimit-Policy': ref('RateLimit-Policy') } : {}),
  };
}

/** One problem response per status among `codes`, each naming its codes and the headers that status carries. */
function problemResponses(codes: readonly ProblemCode[], headers: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = problemEntry(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, statusCodes]) => [String(status), problemResponse(statusCodes, headers)]));
}

/** A problem+json response for `codes`, all answered with `status` (their own, unless a probe says otherwise). */
function problemResponse(codes: readonly ProblemCode[], headers: Record<string, JsonSchema>, status = problemEntry(codes[0]).status): JsonSchema {
  const statusHeaders: Record<string, JsonSchema> = {
    ...headers,
    ...(status === 401 ? { 'WWW-Authenticate': ref('WWW-Authenticate', true) } : {}),
    ...(codes.includes('grant_forbidden') ? { 'WWW-Authenticate': ref('WWW-Authenticate') } : {}),
    ...(status === 429 ? { 'Retry-After': ref('Retry-After', true), RateLimit: ref('RateLimit', true), 'RateLimit-Policy': ref('RateLimit-Policy', true) } : {}),
    ...(status === 503 ? { 'Retry-After': ref('Retry-After', codes.every((code) => problemEntry(code).retryAfter !== undefined)) } : {}),
  };
  return {
    description: codes.map((code) => `\`${code}\`: ${problemEntry(code).title}.`).join(' '),
    headers: statusHeaders,
    content: {
      [problemMediaType]: {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Problem' }],
          properties: { status: { const: status }, code: { enum: codes } },
        },
      },
    },
  };
}

function problemSchema(): JsonSchema {
  return {
    description: 'An RFC 9457 problem with a stable `code`: `title` is fixed per code, `detail` explains this occurrence.',
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', pattern: '^urn:rtc-token-service:problem:[a-z_]+$' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      code: { enum: problemCodes },
      vendor_code: { type: ['string', 'integer'], description: "`upstream_error`: the vendor's own error code, or its HTTP status." },
    },
  };
}

const originHeader: JsonSchema = {
  name: 'Origin', in: 'header', required: false, schema: { type: 'string' },
  description: 'Sent by browsers; decides `Access-Control-Allow-Origin` by `ALLOWED_ORIGINS`.',
};

const sharedHeaders: Record<string, JsonSchema> = {
  'Cache-Control': { description: 'Tokens and problems are never cached.', schema: { const: 'no-store' } },
  Vary: { description: 'The answer depends on the request\'s `Origin`.', schema: { type: 'string', pattern: '^Origin' } },
  'Access-Control-Allow-Origin': {
    description: '`*`, or the request\'s `Origin` when `ALLOWED_ORIGINS` lists it; absent for an unlisted origin.',
    schema: { type: 'string' },
  },
  'Access-Control-Expose-Headers': {
    description: 'With `Access-Control-Allow-Origin`: the headers a page may read beyond the safelisted ones, to back off after a 429 or 503.',
    schema: { const: exposedHeaders },
  },
  RateLimit: {
    description: 'Where this request stands against each limit it was counted against (IETF httpapi ratelimit-headers '
      + 'draft): `"ip";r=119;t=60`, `r` requests left, the window resets in `t` seconds. Absent where no limit applied.',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'Each limit counted: `"ip";q=120;w=60`, a quota of `q` requests per window of `w` seconds.',
    schema: { type: 'string' },
  },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'WWW-Authenticate': { description: 'RFC 6750 challenge: `Bearer realm="rtc-token-service"`, with `error` for credentials that were refused.', schema: { type: 'string' } },
  Allow: { description: 'The methods served.', schema: { const: allowedMethods } },
};

/** A header, marked required when every answer of its kind carries it (a `$ref` could not say so). */
function ref(name: string, required = false): JsonSchema {
  return { ...sharedHeaders[name], required };
}

/** A path as an identifier, one per path: `/vonage-token` → `vonage_token`, `/accessToken` → `accessToken`. */
function operationName(path: string): string {
  return path.slice(1).replace(/[^A-Za-z0-9]+/g, '_');
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
