import { spawn } from 'node:child_process';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { openAccessWarning } from '../../core/auth/open-access';
import { loadConfig, Vendor } from '../../core/config/config';
import { demoTwilioEnv, demoVonageEnv } from '../../core/config/demo';
import { withEnvFile } from '../../core/config/env-file';
import { readHost, readPort } from '../node/host-config';
import { findAssets, privateAssetReader } from '../node/routes';

/**
 * Entry of `npm start` (`build/start/start.js`): serves the built Functions and assets with
 * twilio-run, as Twilio's runtime would, for development: on 127.0.0.1 only unless HOST says
 * otherwise. Arguments go to twilio-run (`npm start -- --inspect`), `--env <file>` included.
 *
 * - The environment is the one every local command sees (`withEnvFile`: the process environment
 *   over `.env`, `PORT` included), handed to twilio-run whole with `--load-local-env`. twilio-run
 *   would read `.env` itself over the environment, so it is pointed at an empty file instead.
 * - A vendor with no configuration at all gets demo credentials made in memory for this run, never
 *   written anywhere, and a notice says so. A vendor set up halfway is left alone, so its endpoint
 *   names what is missing instead of hiding it behind demo values.
 * - twilio-run runs each request in a fresh process by default, where limits counted in memory
 *   would start from zero every time; `--no-fork-process --no-live` keeps the Functions loaded in
 *   one process, as in one warm Twilio container, so they count (`npm start -- --fork-process`
 *   restores isolation).
 */
function main(): void {
  const { envFile, twilioRunArgs } = splitEnvFlag(process.argv.slice(2));
  const env: Record<string, string | undefined> = { ...withEnvFile(process.env, process.cwd(), envFile) };
  const config = loadConfig(env, privateAssetReader(findAssets(join(__dirname, '..', 'assets'))));

  const demo = (['twilio', 'vonage'] as const).filter((vendor) => !config.vendors.includes(vendor));
  for (const vendor of demo) Object.assign(env, vendor === 'twilio' ? demoTwilioEnv() : demoVonageEnv());
  printDemoNotice(demo);

  const host = readHost(env, '127.0.0.1');
  const port = readPort(env, 'PORT');
  if (config.vendors.length > 0 && openAccessWarning(config) !== undefined) {
    console.warn(`WARNING: AUTH_MODE is none and real credentials are configured: anyone who can reach ${host}:${port}\n` +
      '  gets tokens for any identity, signed with them. Set AUTH_MODE (see README, "Caller authentication").');
  }
  // DEBUG=* is a common first step when something fails; keep it safe. twilio-run's runtime handler
  // prints every Function context variable (secrets and keys included) and every event, express's
  // router prints each request's URL with its query (a passcode parameter included), the Vonage
  // SDKs print each request's headers (the application JWT included), and ioredis prints each
  // command with its arguments (the AUTH password included).
  if (env.DEBUG) env.DEBUG += ',-twilio-runtime-handler:*,-express:router*,-vonage*,-ioredis*';

  const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
  const bindHost = join(__dirname, '..', '..', 'scripts', 'bind-host.cjs');
  const child = spawn(process.execPath, [
    '--require', bindHost, twilioRun, 'start', '--port', String(port), '--load-local-env', '--env', devNull,
    '--no-fork-process', '--no-live', ...twilioRunArgs,
  ], { env: { ...env, HOST: host }, stdio: 'inherit' });
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopping = true;
      child.kill(signal);
    });
  }
  // A stop we asked for is a clean exit; twilio-run dying on its own is not.
  child.on('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));
}

/** twilio-run's `--env <file>` (or `--env=<file>`), which names the .env to read; the other arguments stay as given. */
function splitEnvFlag(args: string[]): { envFile?: string; twilioRunArgs: string[] } {
  let envFile: string | undefined;
  const twilioRunArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--env' && i + 1 < args.length) envFile = args[++i];
    else if (args[i].startsWith('--env=')) envFile = args[i].slice('--env='.length);
    else twilioRunArgs.push(args[i]);
  }
  return { envFile, twilioRunArgs };
}

const demoNotices: Record<Vendor, string> = {
  twilio: 'Twilio: /token signs with random demo ACCOUNT_SID, API_KEY and API_SECRET. Twilio rejects these\n' +
    '  tokens. For real ones set ACCOUNT_SID, API_KEY and API_SECRET (and SERVICE_SID, OUTGOING_SID,\n' +
    '  SYNC_SERVICE_SID for the chat, voice and sync grants) in .env: start from .env.example.',
  vonage: 'Vonage: /vonage-token signs with a demo application id and an RSA key generated in memory.\n' +
    '  Vonage rejects these tokens. For real ones set VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY\n' +
    '  (or VONAGE_PRIVATE_KEY_FILE) in .env: see docs/configuration.md.',
};

function printDemoNotice(vendors: readonly Vendor[]): void {
  if (vendors.length === 0) return;
  const rule = '='.repeat(78);
  const lines = vendors.map((vendor) => `- ${demoNotices[vendor]}`);
  console.warn(`${rule}\nDEMO CREDENTIALS: generated for this run only, never saved.\n${lines.join('\n')}\n${rule}`);
}

try {
  main();
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
