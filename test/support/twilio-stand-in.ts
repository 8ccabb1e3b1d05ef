import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as a Twilio REST domain received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/Rooms/standup`. */
  path: string;
  /** The form fields of a POST, e.g. `{ UniqueName: 'standup', Type: 'group' }`. */
  form: Record<string, string>;
  authorization?: string;
  /** When it arrived (Date.now). */
  receivedAt: number;
}

/**
 * How the stand-in answers one request: a canned answer (a string body is sent as it is, as HTML),
 * after `delayMs` when given, with `headers` when given; Prism's own answer (`'prism'`), headers
 * and then one byte every 100 ms forever (`'trickle'`), or nothing at all (`'hang'`).
 */
export type StandInAnswer =
  | { status: number; body: unknown; delayMs?: number; headers?: Record<string, string> }
  | 'prism' | 'trickle' | 'hang';

export interface TwilioStandIn {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The requests whose connection the client closed before the stand-in answered. */
  abandoned: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for a Twilio REST domain, for answers Prism cannot give (a 404, a race, a
 * fault). With `prism`, every request is first sent to Prism: a request that breaks Twilio's
 * schema gets Prism's 422 whatever the script says, so scripted answers never hide a bad request.
 *
 * @example startTwilioStandIn(() => twilioError(400, 53105, 'Room creation failed'))
 */
export async function startTwilioStandIn(
  answer: (request: RecordedRequest) => StandInAnswer, prism?: string,
): Promise<TwilioStandIn> {
  const requests: RecordedRequest[] = [];
  const abandoned: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer(async (req, res) => {
    const receivedAt = Date.now();
    const body = await readBody(req);
    const request = { method: req.method!, path: req.url!, form: formOf(req, body), authorization: req.headers.authorization, receivedAt };
    requests.push(request);
    res.once('close', () => {
      if (!res.writableFinished) abandoned.push(request);
    });
    const checked = prism === undefined ? undefined : await forward(prism, req, body);
    const scripted = answer(request);
    if (checked && (checked.status < 200 || checked.status >= 300 || scripted === 'prism')) {
      res.writeHead(checked.status, { 'content-type': checked.contentType }).end(checked.body);
    } else if (scripted === 'trickle') {
      res.writeHead(200, { 'content-type': 'application/json' }).write('{"sid":"');
      const timer = setInterval(() => res.write('a'), 100);
      timers.add(timer);
      res.once('close', () => { clearInterval(timer); timers.delete(timer); });
    } else if (typeof scripted === 'object') {
      const timer = setTimeout(() => send(res, scripted.status, scripted.body, scripted.headers), scripted.delayMs ?? 0);
      timers.add(timer);
    } else if (scripted === 'prism') {
      send(res, 500, { message: 'the stand-in has no Prism behind it' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    abandoned,
    close: () => new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Twilio's error answer, as its REST API sends it. */
export function twilioError(status: number, code: number, message: string): { status: number; body: unknown } {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/** Twilio's answer when a resource is absent (for a room: no in-progress room has the name). */
export const notFound = twilioError(404, 20404, 'The requested resource was not found');

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
  else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function formOf(req: IncomingMessage, body: string): Record<string, string> {
  if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(body));
}

async function forward(prism: string, req: IncomingMessage, body: string): Promise<{ status: number; contentType: string; body: string }> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(prism + req.url, {
    method: req.method, headers, body: req.method === 'GET' || req.method === 'DELETE' ? undefined : body,
  });
  return { status: answer.status, contentType: answer.headers.get('content-type') ?? 'application/json', body: await answer.text() };
}

/** A script that answers the requests in the order given; any further request gets a 500. */
export function inOrder(...answers: StandInAnswer[]): (request: RecordedRequest) => StandInAnswer {
  let next = 0;
  return () => answers[next++] ?? { status: 500, body: { message: 'the stand-in expected no further request' } };
}
