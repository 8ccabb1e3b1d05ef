import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { root, type HostStarter } from './server';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own download cannot work here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const found = existsSync(chromiumPath);

/**
 * `describe` when a Chromium is found. Otherwise the block is skipped with a plain message, or, when
 * CHROMIUM_PATH is set explicitly (as .ci/run does), fails: CI must never skip the browser tests.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (found) {
    describe(name, body);
  } else if (process.env.CHROMIUM_PATH) {
    describe(name, () => test('Chromium is installed', () => {
      throw new Error(`CHROMIUM_PATH is ${chromiumPath}, but no Chromium is there.`);
    }));
  } else {
    process.stderr.write(`SKIPPED browser tests "${name}": no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH).\n`);
    describe.skip(name, body);
  }
}

/** `describeInBrowser` once per row, as `describe.each` would. */
describeInBrowser.each = (rows: ReadonlyArray<[name: string, start: HostStarter]>) =>
  (name: string, body: (host: string, start: HostStarter) => void): void => {
    for (const [host, start] of rows) describeInBrowser(name.replace('%s', host), () => body(host, start));
  };

/**
 * Flags for a headless Chromium on a machine with no network but loopback; `extraArgs` add to
 * them (a test certificate to trust, say).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * A script for the browser: `source` (ES module syntax, imports resolved from the repository's
 * node_modules) bundled by esbuild into one ES module, as an app's build would ship a vendor SDK.
 *
 * @example await bundleForBrowser("export { Device } from '@twilio/voice-sdk';")
 */
export async function bundleForBrowser(source: string): Promise<string> {
  const { build } = await import('esbuild');
  const { outputFiles } = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  return outputFiles[0].text;
}
