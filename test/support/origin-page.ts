import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

/**
 * A blank page on its own loopback port: a second origin from which a browser calls the service.
 * `http://127.0.0.1:<port>` and `http://localhost:<port>` are two different origins on it.
 * `scripts` are served beside it by path (`/voice-sdk.js`), as an app ships its own bundles.
 */
export class OriginPage {
  private server?: Server;
  port = 0;

  constructor(private readonly scripts: Readonly<Record<string, string>> = {}) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const script = this.scripts[request.url ?? ''];
      if (script !== undefined) response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><p>app</p>');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** What a page's fetch saw: the JSON body, or that the browser blocked the answer. */
export type FetchOutcome = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; error: string };

/** Runs in the page: a fetch as an app's code would make it, reporting a CORS block as an outcome. */
export const fetchFromPage = `async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    return { ok: true, status: response.status, body: await response.json() };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}`;

/**
 * Imports the ES module at `url` in the page as `window[name]`: 'imported', or why not (a CORS
 * refusal reads "TypeError: Failed to fetch dynamically imported module"). Evaluated as a string,
 * since ts-jest would compile an `import()` in a function to Node's `require`.
 *
 * @example expect(await importModule(page, `${server.url}/rtc-token-client.js`, 'rtc')).toBe('imported');
 */
export function importModule(page: Page, url: string, name: string): Promise<string> {
  return page.evaluate(`import(${JSON.stringify(url)}).then((module) => { window[${JSON.stringify(name)}] = module; return 'imported'; }, (error) => String(error))`);
}
