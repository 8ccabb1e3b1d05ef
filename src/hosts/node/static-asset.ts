import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Types for what a token page ships; anything else is served as bytes. */
const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

function contentTypeOf(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Streams a public asset, with `headers` (CORS) added. Rejects before anything is written when the
 * file cannot be read; a failure mid-stream destroys the response, since its length has been promised.
 */
export async function sendAsset(res: ServerResponse, file: string, headers: Record<string, string> = {}): Promise<void> {
  const { size } = await stat(file);
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(size),
    // The declared type is the only one: a browser must not guess HTML or script from the bytes.
    'X-Content-Type-Options': 'nosniff',
  });
  await pipeline(createReadStream(file), res);
}
