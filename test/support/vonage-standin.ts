import { KeyObject, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';

/**
 * How the stand-in answers every request until told otherwise: with this status, an error body
 * with the Users API's `code` member when given and about `bytes` bytes long when given; or not at all.
 */
export type StandinFault = { status: number; code?: string; bytes?: number } | 'hang' | undefined;

export interface VonageStandin {
  /** Base URL, for both `videoHost` and `apiHost`. */
  url: string;
  /** The form fields of every accepted `POST /session/create`. */
  sessionCreates: Array<Record<string, string>>;
  /** The ids of the sessions created, in order. */
  sessions: string[];
  /** The name in every accepted `POST /v1/users`, including those answered 409. */
  userCreates: string[];
  /** The `name` filter of every accepted `GET /v1/users`. */
  userLookups: string[];
  /** Requests Vonage would have refused (bad token, unknown route, malformed body), with the reason. */
  refused: string[];
  /** `METHOD /path` of every request, as it arrives. */
  received: string[];
  /** `METHOD /path` of every request whose connection the client closed before the stand-in answered. */
  abandoned: string[];
  /** Users that exist, by name: seed one to play a user created earlier. */
  users: Map<string, string>;
  fault: StandinFault;
  /**
   * A body to answer every accepted request with, 200, instead of the real one (which is neither
   * recorded nor remembered): what a hostile or broken Vonage could send.
   */
  answer?: unknown;
  /** Stops listening and drops open connections: afterwards its port refuses connections. */
  stop(): Promise<void>;
}

/**
 * A stand-in for Vonage's Video session endpoint and Users API on a free loopback port, written
 * from Vonage's API reference:
 * - `POST /session/create` (form fields `archiveMode`, `p2p.preference`, `location`) answers 200
 *   with an array holding one session: `session_id`, `project_id`, `create_dt`, `media_server_url`.
 * - `POST /v1/users` (JSON `{ name }`) answers 201 with the user (`id` `USR-…`, `name`, `_links`),
 *   or 409 when the name exists, with the RFC 7807 body Vonage's API errors carry plus the
 *   Conversation family's `code` (`user:error:duplicate-name`).
 * - `GET /v1/users?name=` answers 200 with a page: `page_size`, `_embedded.users`, `_links`.
 * Every request must carry `Authorization: Bearer` with an application JWT as Vonage checks it:
 * RS256 under the application's public key, `application_id` equal to the application's,
 * `iat`, `exp` (in the future) and `jti`. Vonage answers 401 to anything else; so does the
 * stand-in, and it records the request in `refused` so the test fails.
 */
export async function startVonageStandin(application: { applicationId: string; publicKey: KeyObject }): Promise<VonageStandin> {
  const standin: VonageStandin = {
    url: '', sessionCreates: [], sessions: [], userCreates: [], userLookups: [], refused: [], received: [], abandoned: [], users: new Map(), fault: undefined,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };

  const refuse = (response: ServerResponse, status: number, reason: string, vonageType: string, title: string) => {
    standin.refused.push(reason);
    answer(response, status, { type: `https://developer.nexmo.com/api-errors#${vonageType}`, title, detail: reason, instance: randomUUID() });
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://standin');
    const line = `${request.method} ${url.pathname}`;
    standin.received.push(line);
    response.once('close', () => {
      if (!response.writableFinished) standin.abandoned.push(line);
    });
    const body = await readBody(request);
    if (standin.fault === 'hang') return;
    const tokenProblem = await checkToken(request.headers.authorization, application);
    if (tokenProblem) return refuse(response, 401, tokenProblem, 'unauthorized', 'Unauthorized');
    if (standin.fault) {
      return answer(response, standin.fault.status, {
        type: 'https://developer.nexmo.com/api-errors#internal-error', title: 'Internal Error',
        detail: 'The stand-in was told to fail.', instance: randomUUID(),
        ...(standin.fault.code ? { code: standin.fault.code } : {}),
        ...(standin.fault.bytes ? { padding: 'x'.repeat(standin.fault.bytes) } : {}),
      });
    }
    if (standin.answer !== undefined) return answer(response, 200, standin.answer);

    if (request.method === 'POST' && url.pathname === '/session/create') {
      const form = Object.fromEntries(new URLSearchParams(body));
      const invalid = !['manual', 'always'].includes(form.archiveMode) || !['enabled', 'disabled'].includes(form['p2p.preference']);
      if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') || invalid) {
        return refuse(response, 400, `session create with ${request.headers['content-type']} ${body}`, 'invalid-params', 'Bad Request');
      }
      standin.sessionCreates.push(form);
      const sessionId = `2_MX4${Buffer.from(`${application.applicationId}~~${Date.now()}~${standin.sessionCreates.length}~`).toString('base64url')}-fg`;
      standin.sessions.push(sessionId);
      return answer(response, 200, [{
        session_id: sessionId, project_id: application.applicationId, partner_id: application.applicationId,
        create_dt: new Date().toUTCString(), media_server_url: '',
      }]);
    }

    if (request.method === 'POST' && url.pathname === '/v1/users') {
      const name = parseJson(body)?.name;
      if (!request.headers['content-type']?.startsWith('application/json') || typeof name !== 'string') {
        return refuse(response, 400, `user create with ${request.headers['content-type']} ${body}`, 'invalid-params', 'Bad Request');
      }
      standin.userCreates.push(name);
      if (standin.users.has(name)) {
        return answer(response, 409, {
          title: 'Conflict', type: 'https://developer.nexmo.com/api-errors/conversation#user-duplicate-name',
          code: 'user:error:duplicate-name', detail: 'User already exists', instance: randomUUID(),
        });
      }
      const id = `USR-${randomUUID()}`;
      standin.users.set(name, id);
      return answer(response, 201, userResource(standin.url, id, name));
    }

    if (request.method === 'GET' && url.pathname === '/v1/users') {
      const name = url.searchParams.get('name') ?? '';
      standin.userLookups.push(name);
      const id = standin.users.get(name);
      return answer(response, 200, {
        page_size: 10,
        _embedded: { users: id ? [userResource(standin.url, id, name)] : [] },
        _links: { self: { href: `${standin.url}/v1/users?name=${encodeURIComponent(name)}` } },
      });
    }

    refuse(response, 404, `${request.method} ${url.pathname}`, 'not-found', 'Not Found');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standin;
}

/** What Vonage would object to in this Authorization header, or undefined when it accepts it. */
async function checkToken(header: string | undefined, application: { applicationId: string; publicKey: KeyObject }): Promise<string | undefined> {
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header ?? '')?.[1];
  if (!token) return 'no Bearer token';
  try {
    const { payload } = await jwtVerify(token, application.publicKey, { algorithms: ['RS256'], requiredClaims: ['iat', 'exp', 'jti'] });
    if (payload.application_id !== application.applicationId) return 'application_id is not the application';
    return undefined;
  } catch (error) {
    return `token rejected: ${(error as Error).message}`;
  }
}

function userResource(base: string, id: string, name: string) {
  return { id, name, _links: { self: { href: `${base}/v1/users/${id}` } } };
}

/** Vonage's API errors are `application/problem+json` (RFC 7807); its resources `application/json`. */
function answer(response: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => resolve(text));
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
