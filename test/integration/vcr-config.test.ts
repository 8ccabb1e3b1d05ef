import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { root } from '../support/server';

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
      if (entry.value !== undefined) expect(entry.name).toBe('ALLOWED_ORIGINS');
    }
  });
});
