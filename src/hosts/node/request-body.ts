import type { IncomingMessage } from 'node:http';
import { Problem } from '../../core/problem';

/** Token requests are a few hundred bytes; 16 KB leaves room for any legitimate one. */
const maxBodyBytes = 16 * 1024;

/**
 * How much of an oversized body is read and dropped after the 413. A client still sending when
 * the connection closes gets a reset instead of the answer (fetch fails with EPIPE on about one
 * streamed upload in six here), so a moderate excess is drained, never buffered, and the
 * connection stays usable; past this the connection is cut.
 */
const maxDrainBytes = 1024 * 1024;

const noBody = Buffer.alloc(0);

function tooLarge(closing: boolean): Problem {
  return new Problem('body_too_large', `The request body must be at most ${maxBodyBytes} bytes.`,
    closing ? { Connection: 'close' } : {});
}

/**
 * The request body, refused with `body_too_large` as soon as it is known to exceed 16 KB:
 * from Content-Length before reading anything, or while counting a chunked body's bytes. A body
 * declared larger than `maxDrainBytes` is refused with `Connection: close` and never read.
 * Rejects too when the client goes away before the body is complete.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  // Neither Content-Length nor Transfer-Encoding: no body (RFC 9112 §6.3), so nothing to wait for.
  // Most token requests are such GETs; skipping the stream's events took 9 µs off each (bench).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(noBody);
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBodyBytes) {
      const closing = declared > maxDrainBytes;
      if (!closing) drain(req, 0);
      reject(tooLarge(closing));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      drain(req, size);
      reject(tooLarge(false));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection before the body was complete'));
    });
  });
}

/** Reads and drops the rest of a refused body, cutting the connection past `maxDrainBytes`. */
function drain(req: IncomingMessage, alreadyRead: number): void {
  let drained = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxDrainBytes) req.socket.destroy();
  });
}
