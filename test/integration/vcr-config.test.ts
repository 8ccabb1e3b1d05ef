import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { configProblems, loadConfig, use } from '../../src/core/config/config';
import { twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';
import { baseEnv, buildDir, root } from '../support/server';

interface VcrConfig {
  project: { name: string };
  instance: {
    runtime: string;
    region: string;
    'application-id': string;
    entrypoint: string[];
    'build-script': string;
    environment: Array<{ name: string; value?: string; secret?: string }>;
  };
}

const config = load(readFileSync(join(root, 'vcr.yml'), 'utf8')) as VcrConfig;

/** Stand-ins for the secrets vcr.yml names, as `vcr secret create` would hold them. */
const secrets: Record<string, string> = {
  TWILIO_ACCOUNT_SID: twilioCredentials.ACCOUNT_SID,
  TWILIO_API_KEY: twilioCredentials.API_KEY,
  TWILIO_API_SECRET: twilioCredentials.API_SECRET,
  TOKEN_SERVICE_PASSCODE: 'c29tZSBwYXNzY29kZSBmcm9tIG9wZW5zc2w',
};

/** The environment an instance deployed from vcr.yml as shipped starts with: its entries, its secrets, and what VCR injects. */
function instanceEnv(): Record<string, string> {
  const env: Record<string, string> = { VCR_API_APPLICATION_ID: vonageApplicationId, VCR_PRIVATE_KEY: vonageKeys().privatePem };
  for (const entry of config.instance.environment) {
    const value = entry.secret === undefined ? entry.value : secrets[entry.secret];
    if (value === undefined) throw new Error(`vcr.yml names the secret ${entry.secret}, which this test does not know`);
    env[entry.name] = value;
  }
  return env;
}

/** The Node host started as VCR starts it, to its exit. */
function runHostToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(buildDir, 'host', 'server.js')], { env: baseEnv({ VCR_PORT: '65535', ...env }) });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('vcr.yml', () => {
  test('runs the built Node host on Node 22', () => {
    expect(config.instance.runtime).toBe('nodejs22');
    expect(config.instance.entrypoint).toEqual(['node', 'build/host/server.js']);
    expect(existsSync(join(root, 'build', 'host', 'server.js'))).toBe(true);
  });

  test('builds with an executable script from this repository', () => {
    const script = join(root, config.instance['build-script']);
    expect(() => accessSync(script, constants.X_OK)).not.toThrow();
    expect(readFileSync(script, 'utf8')).toContain('npm run build');
  });

  test('holds placeholders for the project, region and application', () => {
    expect(config.project.name).toBe('rtc-token-service');
    expect(config.instance.region).toMatch(/^aws\.[a-z0-9]+$/);
    expect(config.instance['application-id']).toBe('YOUR-VONAGE-APPLICATION-ID');
  });

  test('credentials come from VCR secrets, never values, and nothing VCR injects is overridden', () => {
    const byName = Object.fromEntries(config.instance.environment.map((entry) => [entry.name, entry]));
    for (const name of ['ACCOUNT_SID', 'API_KEY', 'API_SECRET']) {
      expect(byName[name]).toEqual({ name, secret: expect.stringMatching(/^TWILIO_/) });
    }
    for (const entry of config.instance.environment) {
      expect(entry.name).not.toMatch(/^VCR_|PRIVATE_KEY|APPLICATION_ID|^PORT$/);
      if (entry.value !== undefined) expect(['ALLOWED_ORIGINS', 'AUTH_MODE', 'TRUST_PROXY']).toContain(entry.name);
    }
  });

  test('turns caller authentication on, with the passcode from a VCR secret', () => {
    const byName = Object.fromEntries(config.instance.environment.map((entry) => [entry.name, entry]));
    expect(byName.AUTH_MODE).toEqual({ name: 'AUTH_MODE', value: 'passcode' });
    expect(byName.AUTH_PASSCODE).toEqual({ name: 'AUTH_PASSCODE', secret: 'TOKEN_SERVICE_PASSCODE' });
    const loaded = loadConfig({ ...instanceEnv(), ALLOWED_ORIGINS: 'https://app.example.com' });
    expect(use(loaded.auth).mode).toBe('passcode');
  });

  test('counts clients by the address VCR\'s ingress appends to X-Forwarded-For', () => {
    const loaded = loadConfig(instanceEnv());
    expect(use(loaded.limits).trustProxy).toBe(1);
  });

  test('with its origin filled in, the configuration is complete for both vendors', () => {
    const loaded = loadConfig({ ...instanceEnv(), ALLOWED_ORIGINS: 'https://app.example.com' });
    expect(configProblems(loaded)).toEqual([]);
    expect(loaded.vendors).toEqual(['twilio', 'vonage']);
    expect(use(loaded.cors)).toEqual(new Set(['https://app.example.com']));
  });

  test('as shipped, the origin placeholder stops the instance at start-up with a line naming ALLOWED_ORIGINS, instead of refusing pages silently', async () => {
    const { code, stderr } = await runHostToExit(instanceEnv());
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toEqual({
      time: expect.any(String), event: 'host_start_failed', code: 'config_invalid',
      detail: 'ALLOWED_ORIGINS is not "*" or a comma-separated list of origins such as https://app.example.com.',
    });
  });
});
