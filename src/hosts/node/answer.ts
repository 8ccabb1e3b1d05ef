import type { ServerResponse } from 'node:http';
import { Reply } from '../../core/reply';
import { ResponseHeaders } from './twilio-response';

/** An HTTP answer ready for the wire: whatever produced it (a Function, the host), the bytes are final. */
export interface Answer {
  status: number;
  headers: ResponseHeaders;
  body: string | Buffer;
}

/** A core reply (a problem, health, readiness) as the host sends it: JSON, as Twilio would. */
export function replyAnswer(reply: Reply): Answer {
  return { status: reply.status, headers: reply.headers, body: JSON.stringify(reply.body) };
}

/** The host frames every body itself; a Function's own framing headers could contradict it. */
const framingHeaders = new Set(['content-length', 'transfer-encoding']);

/**
 * Writes an answer in one go. 204 and 304 carry no body by definition, and HEAD never reaches
 * here (it is not an allowed method). Throws, before anything is written, on a status or header
 * value HTTP cannot carry.
 */
export function sendAnswer(res: ServerResponse, answer: Answer): void {
  const empty = answer.status === 204 || answer.status === 304;
  const body = empty ? '' : answer.body;
  const headers = Object.entries(answer.headers).filter(([name]) => !framingHeaders.has(name.toLowerCase()));
  res.writeHead(answer.status, Object.fromEntries([...headers, ['Content-Length', String(Buffer.byteLength(body))]]));
  res.end(body);
}
