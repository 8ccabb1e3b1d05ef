import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints } from '../../src/core/endpoints';
import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../support/fixtures';
import { buildDir, root, RunningServer, startNodeHost } from '../support/server';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

/**
 * A scratch copy with only what a deployment gets: the built files and a production-only install
 * (`npm ci --omit=dev`, as Twilio installs `dependencies` and Vonage Cloud Runtime prunes). A
 * built file that requires a devDependency, or a sibling source file, fails here.
 */
const scratch = mkdtempSync(join(tmpdir(), 'production-install-'));

/**
 * Runs in a separate Node process inside the scratch folder, so nothing from this repository's
 * source tree or Jest's module system can be resolved: only the file and its node_modules.
 */
const runner = `
// twilio-run's own Twilio.Response; its package exports hide the file, so load it by path.
const { Response } = require(require('path').resolve('node_modules/@twilio/runtime-handler/dist/dev-runtime/internal/response.js'));
global.Twilio = { Response };
global.Runtime = { getAssets: () => ({}), getFunctions: () => ({}) };
const [file, context, event] = [process.argv[1], JSON.parse(process.argv[2]), JSON.parse(process.argv[3])];
require(file).handler(context, { ...event, request: { headers: {}, cookies: {} } }, (error, response) => {
  process.stdout.write('\\nRESULT ' + JSON.stringify(error ? { error: String(error) } : response.serialize()));
});
`;

beforeAll(() => {
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(scratch, file));
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: scratch, stdio: 'ignore' });
  cpSync(buildDir, join(scratch, 'build'), { recursive: true });
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runFunction(name: string, context: object, event: object) {
  const out = execFileSync(process.execPath, ['-e', runner, join(scratch, 'build', 'functions', name), JSON.stringify(context), JSON.stringify(event)], { cwd: scratch });
  // The function's own log line shares stdout; the answer is the line marked RESULT.
  const result = out.toString().split('\n').find((line) => line.startsWith('RESULT '))!;
  return JSON.parse(result.slice('RESULT '.length)) as { statusCode: number; body: string };
}

describe('each built function works alone, with a production-only install, as Twilio deploys it', () => {
  test('the build has one Function per entry of the endpoint table', () => {
    expect(readdirSync(join(buildDir, 'functions')).sort()).toEqual(endpoints.map((entry) => `${entry.path.slice(1)}.js`).sort());
  });

  test('built files require only node built-ins and runtime dependencies, never a devDependency', () => {
    const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files = [...readdirSync(join(buildDir, 'functions')).map((name) => join(buildDir, 'functions', name)), join(buildDir, 'host', 'server.js')];
    for (const file of files) {
      const required = [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
      const packages = required.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))
        .map((name) => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/'));
      expect({ file, outside: packages.filter((name) => !(name in dependencies)) }).toEqual({ file, outside: [] });
    }
  });

  test('the scratch copy has no build or test tools', () => {
    const installed = readdirSync(join(scratch, 'node_modules'));
    for (const tool of ['jest', 'typescript', 'esbuild', 'twilio-run', '@stoplight', 'autocannon', 'fastify']) expect(installed).not.toContain(tool);
  });

  test('token.js mints a verifiable token', async () => {
    const response = runFunction('token.js', fullTwilioEnv, { identity: 'alice' });
    expect(response.statusCode).toBe(200);
    const { payload } = await verifyTwilioToken(JSON.parse(response.body).token, twilioCredentials.API_SECRET);
    expect(payload.grants).toMatchObject({ identity: 'alice' });
  });

  test('vonage-token.js mints a verifiable token', async () => {
    const response = runFunction('vonage-token.js', vonageEnv(), { identity: 'alice' });
    expect(response.statusCode).toBe(200);
    const { payload } = await verifyVonageToken(JSON.parse(response.body).token, vonageKeys().publicKey);
    expect(payload.sub).toBe('alice');
  });
});

describe('the Node host runs with a production-only install', () => {
  let host: RunningServer;
  beforeAll(async () => {
    host = await startNodeHost({ ...fullTwilioEnv, ...vonageEnv() }, join(scratch, 'build', 'host', 'server.js'));
  });
  afterAll(() => host?.stop());

  test('serves both endpoints and is ready', async () => {
    expect((await fetch(`${host.url}/token?identity=alice`)).status).toBe(200);
    expect((await fetch(`${host.url}/vonage-token?identity=alice`)).status).toBe(200);
    expect(await (await fetch(`${host.url}/_/ready`)).json()).toEqual({ status: 'ready', checks: { twilio: 'ok', vonage: 'ok', state: 'ok' } });
  });
});
