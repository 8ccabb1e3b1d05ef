import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A stateful stand-in for Twilio's Serverless API, enough for `twilio-run deploy`: Services,
 * Environments, Functions and Assets with their Versions, Builds with a status, Variables and
 * Deployments. API calls reach it through Prism's validating proxy (twilio-oai's description);
 * Version uploads (multipart, on `serverless-upload.twilio.com`, which the description does not
 * cover) arrive directly and are checked here: the fields Twilio documents, a visibility it knows,
 * a path that starts with `/`, and only on the upload host.
 */
export interface ServerlessStandIn {
  url: string;
  state: ServerlessState;
  /** Every request received: method, host, path, and the basic-auth user it came with. */
  requests: Array<{ method: string; host: string; path: string; username?: string }>;
  close(): Promise<void>;
}

export interface ServerlessState {
  services: Array<{ sid: string; uniqueName: string; friendlyName: string; includeCredentials: boolean; domainBase: string }>;
  environments: Array<{ sid: string; serviceSid: string; uniqueName: string; domainSuffix: string | null; domainName: string; buildSid: string | null }>;
  functions: Array<{ sid: string; serviceSid: string; friendlyName: string }>;
  assets: Array<{ sid: string; serviceSid: string; friendlyName: string }>;
  /** Function and Asset versions, as uploaded. */
  versions: Array<{ sid: string; kind: 'function' | 'asset'; parentSid: string; path: string; visibility: string; content: Buffer; contentType: string }>;
  builds: Array<{ sid: string; serviceSid: string; functionVersions: string[]; assetVersions: string[]; dependencies: Array<{ name: string; version: string }>; runtime: string; polls: number }>;
  variables: Array<{ sid: string; environmentSid: string; key: string; value: string }>;
  deployments: Array<{ sid: string; environmentSid: string; buildSid: string }>;
}

const apiBase = 'https://serverless.twilio.com/v1';
const uploadHost = 'serverless-upload.twilio.com';
const visibilities = new Set(['public', 'private', 'protected']);

class StandInError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

/**
 * Starts the stand-in on a free loopback port. It accepts only the account's own credentials
 * (HTTP basic, as Twilio's API), and every resource belongs to that account.
 *
 * @example const standIn = await startServerlessStandIn({ accountSid: 'AC…', authToken: '…' }); … standIn.state.builds
 */
export async function startServerlessStandIn({ accountSid, authToken }: { accountSid: string; authToken: string }): Promise<ServerlessStandIn> {
  const state: ServerlessState = { services: [], environments: [], functions: [], assets: [], versions: [], builds: [], variables: [], deployments: [] };
  const requests: ServerlessStandIn['requests'] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const host = (req.headers.host ?? '').split(':')[0];
    const [username, password] = basicCredentials(req);
    requests.push({ method: req.method ?? '', host, path, username });
    try {
      if (username !== accountSid || password !== authToken) throw new StandInError(401, 20003, 'Authenticate');
      const answer = await route(state, accountSid, req.method ?? '', host, path, req.headers['content-type'] ?? '', body);
      send(res, answer.status, answer.body);
    } catch (error) {
      const { status, code, message } = error instanceof StandInError ? error : new StandInError(500, 20500, String(error));
      send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

type Answer = { status: number; body: unknown };

async function route(
  state: ServerlessState, accountSid: string, method: string, host: string, path: string, contentType: string, body: Buffer,
): Promise<Answer> {
  const form = () => Object.fromEntries(new URLSearchParams(body.toString()));
  const at = (pattern: RegExp) => pattern.exec(path);
  const now = new Date().toISOString();
  const common = (sid: string, url: string) => ({ sid, account_sid: accountSid, date_created: now, date_updated: now, url: `${apiBase}${url}` });
  let match: RegExpExecArray | null;

  // Uploads: on the upload host only, as multipart form data.
  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/(Functions|Assets)\/(ZH\w{32})\/Versions$/)) && method === 'POST') {
    if (host !== uploadHost) throw new StandInError(404, 20404, `Versions are uploaded to ${uploadHost}`);
    const [, serviceSid, collection, parentSid] = match;
    const kind = collection === 'Functions' ? 'function' : 'asset';
    const parents = kind === 'function' ? state.functions : state.assets;
    if (!parents.some((parent) => parent.sid === parentSid && parent.serviceSid === serviceSid)) throw new StandInError(404, 20404, `No ${kind} ${parentSid}`);
    const fields = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const [pathField, visibility, content] = [fields.get('Path'), fields.get('Visibility'), fields.get('Content')];
    if (typeof pathField !== 'string' || !pathField.startsWith('/')) throw new StandInError(400, 20001, 'Path must start with /');
    if (typeof visibility !== 'string' || !visibilities.has(visibility)) throw new StandInError(400, 20001, 'Visibility is not valid');
    if (!(content instanceof Blob)) throw new StandInError(400, 20001, 'Content must be a file');
    const version = {
      sid: sid('ZN'), kind, parentSid, path: pathField, visibility,
      content: Buffer.from(await content.arrayBuffer()), contentType: content.type,
    } as const;
    state.versions.push(version);
    const parentKey = kind === 'function' ? 'function_sid' : 'asset_sid';
    return { status: 201, body: { ...versionBody(version, accountSid, serviceSid, now), [parentKey]: parentSid } };
  }
  if (host === uploadHost) throw new StandInError(404, 20404, `${uploadHost} only takes uploads`);

  if (path === '/v1/Services') {
    if (method === 'GET') return page('services', '/Services', state.services.map((service) => serviceBody(service)));
    const fields = form();
    if (state.services.some((service) => service.uniqueName === fields.UniqueName)) throw new StandInError(409, 54301, 'Unique name already exists');
    const service = {
      sid: sid('ZS'), uniqueName: required(fields, 'UniqueName'), friendlyName: required(fields, 'FriendlyName'),
      includeCredentials: fields.IncludeCredentials === 'true', domainBase: `${fields.UniqueName}-${1000 + state.services.length}`,
    };
    state.services.push(service);
    return { status: 201, body: serviceBody(service) };
  }
  if ((match = at(/^\/v1\/Services\/(ZS\w{32})$/)) && method === 'GET') return { status: 200, body: serviceBody(service(state, match[1])) };

  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Environments$/))) {
    const { domainBase, sid: serviceSid } = service(state, match[1]);
    if (method === 'GET') return page('environments', `/Services/${serviceSid}/Environments`, state.environments.filter((env) => env.serviceSid === serviceSid).map(environmentBody));
    const fields = form();
    const suffix = fields.DomainSuffix ?? null;
    const environment = {
      sid: sid('ZE'), serviceSid, uniqueName: required(fields, 'UniqueName'), domainSuffix: suffix,
      domainName: `${domainBase}${suffix ? `-${suffix}` : ''}.twil.io`, buildSid: null,
    };
    state.environments.push(environment);
    return { status: 201, body: environmentBody(environment) };
  }
  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Environments\/(ZE\w{32})$/)) && method === 'GET') {
    return { status: 200, body: environmentBody(environment(state, match[1], match[2])) };
  }

  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/(Functions|Assets)$/))) {
    const serviceSid = service(state, match[1]).sid;
    const [key, list] = match[2] === 'Functions' ? ['functions', state.functions] as const : ['assets', state.assets] as const;
    const body = (item: { sid: string; friendlyName: string }) => ({
      ...common(item.sid, `/Services/${serviceSid}/${match![2]}/${item.sid}`), service_sid: serviceSid, friendly_name: item.friendlyName,
      links: { [`${key.slice(0, -1)}_versions`]: `${apiBase}/Services/${serviceSid}/${match![2]}/${item.sid}/Versions` },
    });
    if (method === 'GET') return page(key, `/Services/${serviceSid}/${match[2]}`, list.filter((item) => item.serviceSid === serviceSid).map(body));
    const item = { sid: sid('ZH'), serviceSid, friendlyName: required(form(), 'FriendlyName') };
    list.push(item);
    return { status: 201, body: body(item) };
  }

  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Builds$/)) && method === 'POST') {
    const serviceSid = service(state, match[1]).sid;
    const fields = new URLSearchParams(body.toString());
    const functionVersions = fields.getAll('FunctionVersions');
    const assetVersions = fields.getAll('AssetVersions');
    for (const versionSid of [...functionVersions, ...assetVersions]) {
      if (!state.versions.some((version) => version.sid === versionSid)) throw new StandInError(400, 20001, `No version ${versionSid}`);
    }
    // twilio-run sends the dependencies as JSON wrapped in one more pair of quotes.
    const dependencies = JSON.parse((fields.get('Dependencies') ?? '[]').replace(/^"(.*)"$/s, '$1')) as ServerlessState['builds'][number]['dependencies'];
    const build = { sid: sid('ZB'), serviceSid, functionVersions, assetVersions, dependencies, runtime: fields.get('Runtime') ?? 'node22', polls: 0 };
    state.builds.push(build);
    return { status: 201, body: buildBody(build, 'building') };
  }
  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Builds\/(ZB\w{32})(\/Status)?$/)) && method === 'GET') {
    const build = state.builds.find((candidate) => candidate.sid === match![2] && candidate.serviceSid === match![1]);
    if (build === undefined) throw new StandInError(404, 20404, `No build ${match[2]}`);
    if (match[3] === undefined) return { status: 200, body: buildBody(build, build.polls > 0 ? 'completed' : 'building') };
    // Building on the first look, completed after: the deploy has to wait for it, as it does on Twilio.
    const status = build.polls++ > 0 ? 'completed' : 'building';
    return { status: 200, body: { ...common(build.sid, `/Services/${build.serviceSid}/Builds/${build.sid}/Status`), service_sid: build.serviceSid, status } };
  }

  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Environments\/(ZE\w{32})\/Variables(?:\/(ZV\w{32}))?$/))) {
    const env = environment(state, match[1], match[2]);
    const body = (variable: ServerlessState['variables'][number]) => ({
      ...common(variable.sid, `/Services/${env.serviceSid}/Environments/${env.sid}/Variables/${variable.sid}`),
      service_sid: env.serviceSid, environment_sid: env.sid, key: variable.key, value: variable.value,
    });
    if (method === 'GET' && match[3] === undefined) {
      return page('variables', `/Services/${env.serviceSid}/Environments/${env.sid}/Variables`, state.variables.filter((variable) => variable.environmentSid === env.sid).map(body));
    }
    const fields = form();
    if (method === 'POST' && match[3] === undefined) {
      const variable = { sid: sid('ZV'), environmentSid: env.sid, key: required(fields, 'Key'), value: required(fields, 'Value') };
      if (state.variables.some((existing) => existing.environmentSid === env.sid && existing.key === variable.key)) {
        throw new StandInError(409, 54208, `Variable ${variable.key} already exists`);
      }
      state.variables.push(variable);
      return { status: 201, body: body(variable) };
    }
    const variable = state.variables.find((existing) => existing.sid === match![3] && existing.environmentSid === env.sid);
    if (variable === undefined) throw new StandInError(404, 20404, `No variable ${match[3]}`);
    if (method === 'POST') {
      variable.key = fields.Key ?? variable.key;
      variable.value = fields.Value ?? variable.value;
    }
    return { status: 200, body: body(variable) };
  }

  if ((match = at(/^\/v1\/Services\/(ZS\w{32})\/Environments\/(ZE\w{32})\/Deployments$/)) && method === 'POST') {
    const env = environment(state, match[1], match[2]);
    const buildSid = required(form(), 'BuildSid');
    const build = state.builds.find((candidate) => candidate.sid === buildSid && candidate.serviceSid === env.serviceSid);
    if (build === undefined || build.polls < 2) throw new StandInError(400, 20001, `Build ${buildSid} is not completed`);
    const deployment = { sid: sid('ZD'), environmentSid: env.sid, buildSid };
    state.deployments.push(deployment);
    env.buildSid = buildSid;
    return {
      status: 201,
      body: { ...common(deployment.sid, `/Services/${env.serviceSid}/Environments/${env.sid}/Deployments/${deployment.sid}`), service_sid: env.serviceSid, environment_sid: env.sid, build_sid: buildSid },
    };
  }
  throw new StandInError(404, 20404, `The stand-in has no ${method} ${path}`);

  function serviceBody(item: ServerlessState['services'][number]) {
    return {
      ...common(item.sid, `/Services/${item.sid}`), friendly_name: item.friendlyName, unique_name: item.uniqueName,
      include_credentials: item.includeCredentials, ui_editable: false, domain_base: item.domainBase,
      links: { environments: `${apiBase}/Services/${item.sid}/Environments`, functions: `${apiBase}/Services/${item.sid}/Functions`, assets: `${apiBase}/Services/${item.sid}/Assets`, builds: `${apiBase}/Services/${item.sid}/Builds` },
    };
  }
  function environmentBody(item: ServerlessState['environments'][number]) {
    return {
      ...common(item.sid, `/Services/${item.serviceSid}/Environments/${item.sid}`), service_sid: item.serviceSid, build_sid: item.buildSid,
      unique_name: item.uniqueName, domain_suffix: item.domainSuffix, domain_name: item.domainName,
      links: { variables: `${apiBase}/Services/${item.serviceSid}/Environments/${item.sid}/Variables`, deployments: `${apiBase}/Services/${item.serviceSid}/Environments/${item.sid}/Deployments`, logs: `${apiBase}/Services/${item.serviceSid}/Environments/${item.sid}/Logs` },
    };
  }
  function buildBody(build: ServerlessState['builds'][number], status: string) {
    const versions = (sids: string[]) => sids.map((versionSid) => {
      const version = state.versions.find((candidate) => candidate.sid === versionSid)!;
      return { ...versionBody(version, accountSid, build.serviceSid, now), [version.kind === 'function' ? 'function_sid' : 'asset_sid']: version.parentSid };
    });
    return {
      ...common(build.sid, `/Services/${build.serviceSid}/Builds/${build.sid}`), service_sid: build.serviceSid, status,
      function_versions: versions(build.functionVersions), asset_versions: versions(build.assetVersions),
      dependencies: build.dependencies, runtime: build.runtime, links: { build_status: `${apiBase}/Services/${build.serviceSid}/Builds/${build.sid}/Status` },
    };
  }
}

function versionBody(version: ServerlessState['versions'][number], accountSid: string, serviceSid: string, now: string) {
  const collection = version.kind === 'function' ? 'Functions' : 'Assets';
  return {
    sid: version.sid, account_sid: accountSid, service_sid: serviceSid, path: version.path, visibility: version.visibility,
    date_created: now, url: `${apiBase}/Services/${serviceSid}/${collection}/${version.parentSid}/Versions/${version.sid}`,
  };
}

/** One page holding every item, with the `meta` Twilio's list answers carry. */
function page(key: string, url: string, items: unknown[]): Answer {
  const first = `${apiBase}${url}?PageSize=50&Page=0`;
  return {
    status: 200,
    body: { [key]: items, meta: { key, page: 0, page_size: 50, first_page_url: first, previous_page_url: null, next_page_url: null, url: first } },
  };
}

function service(state: ServerlessState, serviceSid: string) {
  const found = state.services.find((candidate) => candidate.sid === serviceSid);
  if (found === undefined) throw new StandInError(404, 20404, `No service ${serviceSid}`);
  return found;
}

function environment(state: ServerlessState, serviceSid: string, environmentSid: string) {
  const found = state.environments.find((candidate) => candidate.sid === environmentSid && candidate.serviceSid === serviceSid);
  if (found === undefined) throw new StandInError(404, 20404, `No environment ${environmentSid}`);
  return found;
}

function required(fields: Record<string, string>, name: string): string {
  const value = fields[name];
  if (value === undefined || value === '') throw new StandInError(400, 21201, `Missing required parameter ${name}`);
  return value;
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function basicCredentials(req: IncomingMessage): [string?, string?] {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!match) return [];
  const decoded = Buffer.from(match[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
