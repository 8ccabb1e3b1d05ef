import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { demoVariables } from '../../src/core/config/demo';
import { startConnectProxy, RunningConnectProxy } from '../support/connect-proxy';
import { chatServiceSid, outgoingApplicationSid, twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';
import { RunningPrism, startPrismProxy, twilioSpecs, withFormArrayEncoding } from '../support/prism';
import { root } from '../support/server';
import { ServerlessStandIn, startServerlessStandIn } from '../support/serverless-stand-in';
import { makeTestCa, TestCa } from '../support/test-ca';

/**
 * The real `npm run deploy` (build, preflight, type check, twilio-run deploy) of a copy of this
 * project, against a stand-in for Twilio's Serverless API. twilio-run has no base-URL option but
 * goes through HTTP_PROXY: a CONNECT proxy on loopback terminates TLS with a CA made for this run
 * (trusted by the deploy through NODE_EXTRA_CA_CERTS) and routes serverless.twilio.com through
 * Prism's validating proxy (twilio-oai's description) to the stand-in, and serverless-upload.twilio.com
 * straight to it. Each deploy runs the type check (~30 s), hence the long timeout.
 */
jest.setTimeout(300_000);

const authToken = '00112233445566778899aabbccddeeff';
/** The developer's .env: the deploy's own credentials, and what the Functions need. */
const dotEnv = {
  ACCOUNT_SID: twilioCredentials.ACCOUNT_SID,
  AUTH_TOKEN: authToken,
  API_KEY: twilioCredentials.API_KEY,
  API_SECRET: twilioCredentials.API_SECRET,
  SERVICE_SID: chatServiceSid,
  OUTGOING_SID: outgoingApplicationSid,
  VONAGE_APPLICATION_ID: vonageApplicationId,
  AUTH_MODE: 'passcode',
  AUTH_PASSCODE: 'a-passcode-for-the-deploy-test',
  ALLOWED_ORIGINS: 'https://app.example.com',
  TOKEN_TTL: '600',
};
const { ACCOUNT_SID: _account, AUTH_TOKEN: _token, ...functionVariables } = dotEnv;

let ca: TestCa;
let standIn: ServerlessStandIn;
let prism: RunningPrism;
let proxy: RunningConnectProxy;
let project: string;

beforeAll(async () => {
  ca = makeTestCa(['serverless.twilio.com', 'serverless-upload.twilio.com']);
  standIn = await startServerlessStandIn({ accountSid: dotEnv.ACCOUNT_SID, authToken });
  prism = await startPrismProxy(withFormArrayEncoding(twilioSpecs.serverless), standIn.url);
  proxy = await startConnectProxy({
    'serverless.twilio.com': Number(new URL(prism.url).port),
    'serverless-upload.twilio.com': Number(new URL(standIn.url).port),
  }, ca);
  project = copyOfProject();
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), prism?.stop(), standIn?.close()]);
  ca?.remove();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** This project as a developer's clone holds it: sources, the Vonage key as a private asset, no build yet. */
function copyOfProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-project-'));
  const skipped = new Set(['node_modules', 'build', '.git', '.env', '.twiliodeployinfo', 'test-artifacts', 'coverage', 'bench-results']);
  cpSync(root, dir, { recursive: true, filter: (path) => !skipped.has(relative(root, path).split('/')[0]) && !path.endsWith('.private.key') });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'assets', 'vonage-private.private.key'), vonageKeys().privatePem, { mode: 0o600 });
  return dir;
}

function writeDotEnv(values: Record<string, string>, file = '.env'): void {
  writeFileSync(join(project, file), Object.entries(values).map(([name, value]) => `${name}=${value}`).join('\n') + '\n', { mode: 0o600 });
}

/** `npm run deploy -- <args>` in the project, as a developer runs it, with the proxy and the test CA. */
function npmRunDeploy(...args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'deploy', ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: project,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME,
        HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.caFile,
        // npm's own update check would be a connection of its own.
        npm_config_update_notifier: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.once('close', (status) => resolve({ status, output }));
  });
}

function keptTranscript(name: string, output: string): void {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  writeFileSync(join(root, 'test-artifacts', name), `$ npm run deploy\n${output}`);
}

describe('npm run deploy against a stand-in for Twilio', () => {
  test('a broken .env is refused with one line per problem, and nothing tries to leave the machine', async () => {
    writeDotEnv({ ...dotEnv, API_KEY: twilioCredentials.ACCOUNT_SID, AUTH_MODE: 'none' });
    const { status, output } = await npmRunDeploy();
    keptTranscript('deploy-refused.txt', output);
    expect(status).toBe(1);
    expect(output).toContain([
      'npm run deploy: not deployed, nothing was sent to Twilio:',
      '  - API_KEY is not an API Key SID (SK followed by 32 hex characters).',
      '  - AUTH_MODE is none: the deployed service would give anyone a token for any identity. Set AUTH_MODE (passcode, jwt or vonage), '
      + 'or deploy it open on purpose: npm run deploy -- --allow-open-access',
    ].join('\n'));
    expect(proxy.connections()).toEqual([]);
    expect(standIn.requests).toEqual([]);
    for (const secret of [authToken, twilioCredentials.API_SECRET, dotEnv.AUTH_PASSCODE]) expect(output).not.toContain(secret);
  });

  test('the preflight judges the file --env names, as twilio-run would upload it', async () => {
    writeDotEnv(dotEnv);
    writeDotEnv({ ...dotEnv, TOKEN_TTL: '600 # ten minutes' }, 'broken.env');
    const { status, output } = await npmRunDeploy('--env', 'broken.env');
    expect(status).toBe(1);
    expect(output).toContain('  - TOKEN_TTL: twilio-run, which deploys, reads its line in broken.env differently from npm start and npm run serve');
    expect(output).toContain('  - TOKEN_TTL is not a whole number of seconds between 60 and 86400.');
    expect(proxy.connections()).toEqual([]);
    expect(standIn.requests).toEqual([]);
  });

  test('uploads the Functions and Assets with their visibility, builds on node22 with the dependencies, sets exactly the variables, and prints the URL', async () => {
    writeDotEnv(dotEnv);
    const { status, output } = await npmRunDeploy();
    keptTranscript('deploy.txt', output);
    expect(status).toBe(0);

    const { services, environments, versions, builds, variables, deployments } = standIn.state;
    expect(services).toEqual([expect.objectContaining({ uniqueName: 'rtc-token-service', includeCredentials: true })]);
    expect(environments).toEqual([expect.objectContaining({ uniqueName: 'dev-environment', domainSuffix: 'dev', buildSid: builds[0].sid })]);

    const uploaded = (kind: string) => versions.filter((version) => version.kind === kind)
      .map(({ path, visibility }) => ({ path, visibility })).sort((a, b) => a.path.localeCompare(b.path));
    expect(uploaded('function')).toEqual(['/about', '/access-token', '/accessToken', '/token', '/vonage-token']
      .map((path) => ({ path, visibility: 'public' })));
    expect(uploaded('asset')).toEqual([
      { path: '/assets/app.js', visibility: 'public' },
      { path: '/assets/index.html', visibility: 'public' },
      { path: '/assets/style.css', visibility: 'public' },
      { path: '/openapi.json', visibility: 'public' },
      { path: '/rtc-token-client.js', visibility: 'public' },
      { path: '/vonage-private.key', visibility: 'private' },
    ]);
    const content = (path: string) => versions.find((version) => version.path === path)!.content.toString();
    expect(content('/token')).toBe(readFileSync(join(project, 'build', 'functions', 'token.js'), 'utf8'));
    expect(content('/vonage-private.key')).toBe(vonageKeys().privatePem);

    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(builds).toHaveLength(1);
    expect(builds[0].runtime).toBe('node22');
    expect(builds[0].dependencies).toEqual(Object.entries(packageJson.dependencies).map(([name, version]) => ({ name, version })));
    expect([...builds[0].functionVersions, ...builds[0].assetVersions].sort()).toEqual(versions.map((version) => version.sid).sort());

    const deployed = Object.fromEntries(variables.map(({ key, value }) => [key, value]));
    expect(deployed).toEqual(functionVariables);
    expect(demoVariables(deployed, Object.keys(deployed))).toEqual([]);
    expect(deployments).toEqual([expect.objectContaining({ environmentSid: environments[0].sid, buildSid: builds[0].sid })]);

    const domain = environments[0].domainName;
    expect(domain).toBe(`${services[0].domainBase}-dev.twil.io`);
    expect(output).toContain(`https://${domain}/token`);
    expect(output).toContain(`https://${domain}/vonage-token`);
    for (const secret of [authToken, twilioCredentials.API_SECRET, dotEnv.AUTH_PASSCODE]) expect(output).not.toContain(secret);
  });

  test('a second deploy, from the file --env names, updates the same service in place: a new build, the changed variable, no second service', async () => {
    const [serviceBefore] = standIn.state.services;
    const variableBefore = standIn.state.variables.find((variable) => variable.key === 'TOKEN_TTL')!;
    writeDotEnv({ ...dotEnv, TOKEN_TTL: '900' }, 'staging.env');
    // The preflight and twilio-run both read the file the argument names.
    const { status, output } = await npmRunDeploy('--env', 'staging.env');
    keptTranscript('deploy-again.txt', output);
    expect(status).toBe(0);

    const { services, environments, functions, assets, builds, variables, deployments } = standIn.state;
    expect(services).toEqual([serviceBefore]);
    expect(environments).toHaveLength(1);
    // The first deploy's resources, reused: no Function or asset made twice.
    expect([functions.length, assets.length]).toEqual([5, 6]);
    expect(builds).toHaveLength(2);
    expect(environments[0].buildSid).toBe(builds[1].sid);
    expect(deployments.map((deployment) => deployment.buildSid)).toEqual([builds[0].sid, builds[1].sid]);
    expect(variables.find((variable) => variable.key === 'TOKEN_TTL')).toEqual({ ...variableBefore, value: '900' });
    expect(Object.fromEntries(variables.map(({ key, value }) => [key, value]))).toEqual({ ...functionVariables, TOKEN_TTL: '900' });
    expect(output).toContain(serviceBefore.sid);
  });

  test('every API call of both deploys passed Prism\'s check against twilio-oai\'s description; uploads went to the upload host', () => {
    // All but `GET /`, which startPrismProxy sends to learn that Prism listens.
    const checked = prism.output().split('\n').filter((line) => !/\] get \/ /.test(line));
    expect(checked.filter((line) => /Violation|Request terminated/.test(line))).toEqual([]);
    const apiCalls = standIn.requests.filter((request) => request.host !== 'serverless-upload.twilio.com');
    expect(checked.filter((line) => / Request received$/.test(line)).length).toBe(apiCalls.length);
    expect(proxy.connections().every((target) => ['serverless.twilio.com:443', 'serverless-upload.twilio.com:443'].includes(target))).toBe(true);
    const uploads = standIn.requests.filter((request) => /\/Versions$/.test(request.path) && request.method === 'POST');
    // One version per Function and asset, per deploy: 2 × (5 + 6).
    expect(uploads.length).toBe(22);
    expect(new Set(uploads.map((request) => request.host))).toEqual(new Set(['serverless-upload.twilio.com']));
    expect(standIn.requests.filter((request) => request.host === 'serverless-upload.twilio.com')).toEqual(uploads);
  });
});
