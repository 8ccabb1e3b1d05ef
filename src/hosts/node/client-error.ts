import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Problem } from '../../core/problem';
import { problemReply, replyText } from '../../core/reply';

/** Node's parser errors for headers it will not read: RFC 6585's 431 rather than a bare 400. */
const headerTooLarge = new Set(['HPE_HEADER_OVERFLOW']);

/**
 * Answers a request Node's HTTP parser refused before any handler ran (a malformed request line,
 * a bad Content-Length, oversized headers) with the same problem+json as every other refusal,
 * where the socket can still take it, then closes the connection: after a parse error nothing
 * more on it can be trusted. Returns the problem's code for the log, or undefined when the client
 * had already gone.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): string | undefined {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return undefined;
  }
  const problem = headerTooLarge.has(error.code ?? '')
    ? new Problem('headers_too_large', 'The request headers must be at most 16 KB in total.')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new Problem('request_timeout', 'The request was not complete within 30 seconds.')
      : new Problem('request_invalid', 'The request is not valid HTTP/1.1.');
  const reply = problemReply(problem);
  const body = replyText(reply);
  const headers = { ...reply.headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n${head}\r\n${body}`);
  return problem.code;
}
