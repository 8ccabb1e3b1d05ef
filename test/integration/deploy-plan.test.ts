import { checkForValidPath, getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInfo } from 'twilio-run/dist/commands/deploy';
import { getConfigFromFlags } from 'twilio-run/dist/config/deploy';
import { fullTwilioEnv, twilioCredentials } from '../support/fixtures';
import { envFile, root } from '../support/server';

/** twilio-run's own flag defaults, as yargs would fill them in for `twilio serverless:deploy`. */
function defaultFlags(): Record<string, unknown> {
  const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return Object.fromEntries(Object.entries(cliInfo.options as Record<string, { default?: unknown }>)
    .filter(([, option]) => 'default' in option)
    .map(([name, option]) => [camel(name), option.default]));
}

/** What `twilio serverless:deploy` would upload, computed by the libraries deploy itself uses. */
async function deployPlan() {
  const flags = {
    ...defaultFlags(), cwd: root, logLevel: 'none', env: envFile(fullTwilioEnv),
    username: twilioCredentials.ACCOUNT_SID, password: 'not-used-offline',
  };
  const config = await getConfigFromFlags(flags as never);
  const plan = await getListOfFunctionsAndAssets(config.cwd, {
    functionsFolderNames: [config.functionsFolderName!],
    assetsFolderNames: [config.assetsFolderName!],
  });
  return { config, plan };
}

describe('twilio serverless:deploy after npm run build', () => {
  test('.twilioserverlessrc points deploy at the build output', async () => {
    const { config } = await deployPlan();
    expect(config.functionsFolderName).toBe('build/functions');
    expect(config.assetsFolderName).toBe('build/assets');
  });

  test('.twilioserverlessrc pins the Functions runtime to node22, the Node the project and @twilio/runtime-handler 2.1.0 support', async () => {
    const { config } = await deployPlan();
    expect(config.runtime).toBe('node22');
  });

  test('deploys every endpoint as a public function, built JavaScript only', async () => {
    const { plan } = await deployPlan();
    const functions = plan.functions.map(({ path, access, filePath }) => ({ path, access, file: filePath.slice(root.length + 1) }));
    expect(functions.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: '/about', access: 'public', file: join('build', 'functions', 'about.js') },
      { path: '/access-token', access: 'public', file: join('build', 'functions', 'access-token.js') },
      { path: '/accessToken', access: 'public', file: join('build', 'functions', 'accessToken.js') },
      { path: '/token', access: 'public', file: join('build', 'functions', 'token.js') },
      { path: '/vonage-token', access: 'public', file: join('build', 'functions', 'vonage-token.js') },
    ]);
    // The check deploy applies before uploading: the quickstarts' camelCase and hyphenated names pass it.
    for (const { path } of functions) expect(checkForValidPath(path)).toEqual({ valid: true });
    for (const fn of plan.functions) {
      expect(fn.filePath.endsWith('.js')).toBe(true);
      // Bundled: a deployed function cannot require a sibling source file.
      expect(fn.content).not.toMatch(/require\(["']\.\.?\//);
    }
  });

  test('uploads no TypeScript source, .env or key material', async () => {
    const { plan } = await deployPlan();
    const files = [...plan.functions, ...plan.assets];
    for (const file of files) {
      expect(file.filePath).not.toMatch(/\.ts$|(^|\/)\.env/);
      const content = readFileSync(file.filePath, 'utf8');
      expect(content).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(content).not.toContain(twilioCredentials.API_SECRET);
    }
  });

  test('uploads the Function environment without the account SID, which Twilio supplies itself', async () => {
    const { config } = await deployPlan();
    expect(Object.keys(config.env).sort()).toEqual(['API_KEY', 'API_SECRET', 'OUTGOING_SID', 'SERVICE_SID', 'SYNC_SERVICE_SID']);
  });

  test('pins @twilio/runtime-handler to an exact version, as twilio-run requires', async () => {
    const { config } = await deployPlan();
    expect(config.pkgJson.dependencies?.['@twilio/runtime-handler']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
