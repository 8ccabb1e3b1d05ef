import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullTwilioEnv, twilioCredentials, vonageEnv, vonageKeys } from '../support/fixtures';
import { buildDir, root } from '../support/server';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

/**
 * Runs in a separate Node process inside the isolated folder, so nothing from this repository's
 * source tree or Jest's module system can be resolved: only the file and node_modules.
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

function runIsolated(functionFile: string, context: object, event: object) {
  const dir = mkdtempSync(join(tmpdir(), 'isolated-fn-'));
  copyFileSync(join(buildDir, 'functions', functionFile), join(dir, functionFile));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  expect(readdirSync(dir).sort()).toEqual(['node_modules', functionFile].sort());
  const out = execFileSync(process.execPath, ['-e', runner, join(dir, functionFile), JSON.stringify(context), JSON.stringify(event)], { cwd: dir });
  // The function's own log line shares stdout; the answer is the line marked RESULT.
  const result = out.toString().split('\n').find((line) => line.startsWith('RESULT '))!;
  return JSON.parse(result.slice('RESULT '.length)) as { statusCode: number; body: string; headers: Record<string, unknown> };
}

describe('each built function works alone, as Twilio deploys it', () => {
  test('every function in the build is covered here', () => {
    expect(readdirSync(join(buildDir, 'functions')).sort()).toEqual(['token.js', 'vonage-token.js']);
  });

  test('token.js loads and mints a verifiable token with only node_modules beside it', async () => {
    const response = runIsolated('token.js', fullTwilioEnv, { identity: 'alice' });
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    const { payload } = await verifyTwilioToken(body.token, twilioCredentials.API_SECRET);
    expect(payload.grants).toMatchObject({ identity: 'alice' });
  });
});

test('vonage-token.js loads and mints a verifiable token with only node_modules beside it', async () => {
  const response = runIsolated('vonage-token.js', vonageEnv(), { identity: 'alice' });
  expect(response.statusCode).toBe(200);
  const { payload } = await verifyVonageToken(JSON.parse(response.body).token, vonageKeys().publicKey);
  expect(payload.sub).toBe('alice');
});
