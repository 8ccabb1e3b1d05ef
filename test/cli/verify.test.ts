import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { twilioCredentials, vonageApplicationId, vonageEnv, vonageKeys } from '../support/fixtures';
import { runCli } from '../support/cli';
import { envFile } from '../support/server';
import { resign, twilioToken, vonageTokens } from '../support/vendor-tokens';

const now = '2026-11-23T14:00:00Z';
const nowMs = Date.parse(now);
const at = ['--now', now];
const chat = () => [new AccessToken.ChatGrant({ serviceSid: 'IS11111111111111111111111111111111' })];

async function verify(token: string, env: Record<string, string>, ...args: string[]) {
  const result = await runCli(['verify', token, ...at, ...args], { env });
  // Whatever the outcome, no secret reaches the terminal.
  for (const secret of [twilioCredentials.API_SECRET, ...vonageKeys().privatePem.split('\n').slice(1, -2)]) {
    expect(result.stdout + result.stderr).not.toContain(secret);
  }
  return result;
}

describe('verify: Twilio Access Tokens', () => {
  test('says what it checked for a token signed with the configured API secret, not that Twilio accepts it; names the key, not the secret', async () => {
    const { status, stdout } = await verify(twilioToken({ issuedAt: nowMs - 60_000 }), twilioCredentials);
    expect(stdout).toBe(`Signature valid for these credentials (API key ${twilioCredentials.API_KEY} of account ${twilioCredentials.ACCOUNT_SID}), `
      + 'and the token is within its lifetime. Whether Twilio accepts it also depends on what only Twilio knows: '
      + 'that the API key is still active and that the SIDs in its grants exist.\n');
    expect(status).toBe(0);
  });

  test('--json says valid, with the same reason', async () => {
    const { stdout } = await verify(twilioToken({ issuedAt: nowMs - 60_000 }), twilioCredentials, '--json');
    expect(JSON.parse(stdout)).toEqual({ vendor: 'twilio', valid: true, reason: expect.stringMatching(/^Signature valid for these credentials/) });
  });

  test('reads the token from a token endpoint\'s JSON answer', async () => {
    const answer = JSON.stringify({ token: twilioToken({ issuedAt: nowMs - 60_000 }), identity: 'alice', grants: ['video'] });
    const { status, stdout } = await runCli(['verify', '-', ...at], { env: twilioCredentials, input: answer });
    expect(stdout).toMatch(/^Signature valid for these credentials/);
    expect(status).toBe(0);
  });

  test('refuses a token signed with another secret: Twilio answers 20107', async () => {
    const token = await resign(twilioToken({ issuedAt: nowMs - 60_000 }), { secret: 'another-secret-0123456789abcdef01' }, {});
    const { status, stdout } = await verify(token, twilioCredentials, '--json');
    expect(JSON.parse(stdout)).toEqual({
      vendor: 'twilio', valid: false, vendorCode: 20107,
      reason: `Twilio would refuse this token: the signature does not match API key ${twilioCredentials.API_KEY} of account ${twilioCredentials.ACCOUNT_SID}. Twilio answers 20107 "Invalid Access Token signature".`,
    });
    expect(status).toBe(1);
  });

  test('says the signature is good but the token expired: Twilio answers 20104', async () => {
    const { status, stdout } = await verify(twilioToken({ issuedAt: nowMs - 2 * 3600_000, ttl: 3600 }), twilioCredentials, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ vendor: 'twilio', valid: false, vendorCode: 20104 });
    expect(JSON.parse(stdout).reason).toContain('the signature matches API key');
    expect(status).toBe(1);
  });

  test('refuses an HS512 token without trying it: Twilio answers 20102', async () => {
    const { stdout } = await verify(twilioToken({ issuedAt: nowMs - 60_000, algorithm: 'HS512' }), twilioCredentials, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ vendor: 'twilio', valid: false, vendorCode: 20102 });
  });

  test('refuses a token whose iss names another key, though the secret matches: Twilio answers 20103', async () => {
    const token = twilioToken({ issuedAt: nowMs - 60_000, keySid: 'SK99999999999999999999999999999999', grants: chat() });
    const { stdout } = await verify(token, twilioCredentials, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ vendor: 'twilio', valid: false, vendorCode: 20103 });
  });

  test('without Twilio credentials prints the configuration problem, exit 1', async () => {
    const { status, stdout, stderr } = await verify(twilioToken({ issuedAt: nowMs - 60_000 }), {});
    expect(stderr).toBe('Configuration is missing: Set ACCOUNT_SID, API_KEY, API_SECRET in the environment or .env file.\n');
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });

  test('reads the credentials from .env in the working directory', async () => {
    const cwd = dirname(envFile(twilioCredentials));
    try {
      const result = await runCli(['verify', '-', ...at], { cwd, input: twilioToken({ issuedAt: nowMs - 60_000 }) });
      expect(result.status).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('verify: Vonage tokens', () => {
  const { privatePem } = vonageKeys();
  const options = { subject: 'alice', ttl: 900 };

  test('says what it checked for a token signed with the configured application key', async () => {
    const [token] = vonageTokens(vonageApplicationId, privatePem, [{ kind: 'client', issuedAt: nowMs - 60_000, options }]);
    const { status, stdout } = await verify(token, vonageEnv());
    expect(stdout).toBe(`Signature valid for these credentials (the private key of application ${vonageApplicationId}), `
      + 'and the token is within its lifetime. Whether Vonage accepts it also depends on what only Vonage knows: '
      + 'that the application still exists with this public key and, for Video, the session.\n');
    expect(status).toBe(0);
  });

  test('refuses a token signed with another key', async () => {
    const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const [token] = vonageTokens(vonageApplicationId, otherPem, [{ kind: 'client', issuedAt: nowMs - 60_000, options }]);
    const { status, stdout } = await verify(token, vonageEnv(), '--json');
    expect(JSON.parse(stdout)).toEqual({
      vendor: 'vonage', valid: false, vendorCode: 'system:error:invalid-token',
      reason: `Vonage would refuse this token: the signature does not match the private key of application ${vonageApplicationId}. `
        + 'The Vonage Client SDK fails with system:error:invalid-token (The provided token is invalid).',
    });
    expect(status).toBe(1);
  });

  test('refuses a token for another application signed with this key', async () => {
    const [token] = vonageTokens('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', privatePem, [{ kind: 'client', issuedAt: nowMs - 60_000, options }]);
    const { stdout } = await verify(token, vonageEnv(), '--json');
    expect(JSON.parse(stdout)).toMatchObject({ vendor: 'vonage', valid: false, vendorCode: 'system:error:invalid-token' });
    expect(JSON.parse(stdout).reason).toContain('its application_id "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" is not');
  });

  test('an expired token: good signature, refused with system:error:expired-token', async () => {
    const [token] = vonageTokens(vonageApplicationId, privatePem, [{ kind: 'client', issuedAt: nowMs - 3 * 3600_000, options }]);
    const { stdout } = await verify(token, vonageEnv(), '--json');
    expect(JSON.parse(stdout)).toMatchObject({ vendor: 'vonage', valid: false, vendorCode: 'system:error:expired-token' });
  });
});

describe('verify: neither vendor', () => {
  test('a token signed ES256 is nobody\'s', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const es256 = await resign(twilioToken({ issuedAt: nowMs - 60_000 }), { privatePem: key }, { header: (header) => ({ ...header, alg: 'ES256' }) });
    const { status, stdout } = await verify(es256, twilioCredentials);
    expect(stdout).toBe('No vendor would accept it: its alg is "ES256"; Twilio signs HS256 and Vonage RS256.\n');
    expect(status).toBe(1);
  });

  test('text that is not a JWT', async () => {
    const { status, stdout } = await verify('not-a-token', twilioCredentials);
    expect(stdout).toBe('This is not a JWT: rtc-token inspect says more.\n');
    expect(status).toBe(1);
  });
});
