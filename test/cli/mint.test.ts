import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeJwt } from 'jose';
import {
  fullTwilioEnv, pushCredentialEnv, pushCredentials, twilioCredentials, videoSessionId, vonageApplicationId, vonageEnv, vonageKeys,
} from '../support/fixtures';
import { inspectJson, runCli } from '../support/cli';
import { envFile } from '../support/server';
import { verifyTwilioToken, verifyVonageToken } from '../support/verify';

/** A working directory holding `.env` with these values, as a developer's clone would. */
const directories: string[] = [];
function projectWith(values: Record<string, string>): string {
  const directory = dirname(envFile(values));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('mint twilio', () => {
  test('prints only the token, signed with the API secret from .env, for the identity and grants asked', async () => {
    const cwd = projectWith(fullTwilioEnv);
    const { status, stdout, stderr } = await runCli(['mint', 'twilio', '--identity', 'alice', '--grants', 'video,chat', '--room', 'standup', '--ttl', '600'], { cwd });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload } = await verifyTwilioToken(stdout.trim(), twilioCredentials.API_SECRET);
    expect(payload.grants).toEqual({ identity: 'alice', video: { room: 'standup' }, chat: { service_sid: fullTwilioEnv.SERVICE_SID } });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  test('--json prints the endpoint\'s whole answer', async () => {
    const { status, stdout } = await runCli(['mint', 'twilio', '--identity', 'alice', '--json'], { env: fullTwilioEnv });
    const body = JSON.parse(stdout);
    expect(body).toEqual({
      token: expect.any(String), identity: 'alice', grants: ['video', 'chat', 'voice', 'sync'], ttl: 3600,
      expires_at: new Date(decodeJwt(body.token).exp! * 1000).toISOString(),
    });
    expect(status).toBe(0);
  });

  test('the environment wins over .env', async () => {
    const cwd = projectWith({ ...twilioCredentials, TOKEN_TTL: '600' });
    const { stdout } = await runCli(['mint', 'twilio', '--identity', 'alice', '--json'], { cwd, env: { TOKEN_TTL: '900' } });
    expect(JSON.parse(stdout).ttl).toBe(900);
  });

  test('caller authentication does not apply: whoever runs it holds the credentials already', async () => {
    const env = { ...twilioCredentials, AUTH_MODE: 'passcode', AUTH_PASSCODE: 'correct horse battery' };
    const { status, stdout } = await runCli(['mint', 'twilio', '--identity', 'alice'], { env });
    await verifyTwilioToken(stdout.trim(), twilioCredentials.API_SECRET);
    expect(status).toBe(0);
  });

  test('a token it mints for a phone has no findings', async () => {
    const { stdout } = await runCli(['mint', 'twilio', '--identity', 'alice', '--platform', 'ios'], { env: { ...fullTwilioEnv, ...pushCredentialEnv } });
    const { status, report } = await inspectJson(stdout.trim());
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  test('--platform picks each grant\'s push credential', async () => {
    const { stdout } = await runCli(['mint', 'twilio', '--identity', 'alice', '--platform', 'android', '--grants', 'chat,voice'], {
      env: { ...fullTwilioEnv, ...pushCredentialEnv },
    });
    const { payload } = await verifyTwilioToken(stdout.trim(), twilioCredentials.API_SECRET);
    expect(payload.grants).toMatchObject({
      chat: { push_credential_sid: pushCredentials.chat.android }, voice: { push_credential_sid: pushCredentials.voice.android },
    });
  });

  test('a token minted without push credentials gets only the notes that a phone would need one', async () => {
    const { stdout } = await runCli(['mint', 'twilio', '--identity', 'alice'], { env: fullTwilioEnv });
    const { status, report } = await inspectJson(stdout.trim());
    expect(report.findings.map(({ severity, code }) => [severity, code])).toEqual([
      ['info', 'voice_push_credential_missing'], ['info', 'chat_push_credential_missing'],
    ]);
    expect(status).toBe(0);
  });

  test('a refused request prints the problem\'s title and detail on stderr, exit 1', async () => {
    const { status, stdout, stderr } = await runCli(['mint', 'twilio', '--identity', 'alice', '--grants', 'chat'], { env: twilioCredentials });
    expect(stderr).toBe('Grant is not available: The chat grant is not configured on this deployment (the server sets SERVICE_SID).\n');
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });

  test('missing credentials are named, their values never printed', async () => {
    const { status, stderr } = await runCli(['mint', 'twilio', '--identity', 'alice'], { env: { API_SECRET: twilioCredentials.API_SECRET } });
    expect(stderr).toBe('Configuration is missing: Set ACCOUNT_SID, API_KEY in the environment or .env file.\n');
    expect(status).toBe(1);
  });

  test('--json prints a refusal\'s problem body too', async () => {
    const { status, stdout } = await runCli(['mint', 'twilio', '--identity', 'alice', '--ttl', '5', '--json'], { env: twilioCredentials });
    expect(JSON.parse(stdout)).toMatchObject({ status: 400, code: 'ttl_invalid', title: 'TTL is not valid' });
    expect(status).toBe(1);
  });
});

describe('mint vonage', () => {
  const { privatePem, publicKey } = vonageKeys();

  test('mints a Client SDK token with the key from the environment', async () => {
    const { status, stdout } = await runCli(['mint', 'vonage', '--identity', 'alice'], { env: vonageEnv() });
    const { payload } = await verifyVonageToken(stdout.trim(), publicKey);
    expect(payload).toMatchObject({ sub: 'alice', application_id: vonageApplicationId });
    expect(status).toBe(0);
  });

  test('reads the key from assets/vonage-private.private.key, as the hosts do', async () => {
    const cwd = projectWith({ VONAGE_APPLICATION_ID: vonageApplicationId });
    mkdirSync(join(cwd, 'assets'));
    writeFileSync(join(cwd, 'assets', 'vonage-private.private.key'), privatePem, { mode: 0o600 });
    const { status, stdout } = await runCli(['mint', 'vonage', '--identity', 'alice'], { cwd });
    await verifyVonageToken(stdout.trim(), publicKey);
    expect(status).toBe(0);
  });

  test('mints a Video token for a session and role', async () => {
    const { status, stdout } = await runCli(
      ['mint', 'vonage', '--identity', 'alice', '--kind', 'video', '--session-id', videoSessionId, '--role', 'subscriber', '--json'],
      { env: vonageEnv() },
    );
    const body = JSON.parse(stdout);
    expect(body).toMatchObject({ identity: 'alice', kind: 'video', session_id: videoSessionId, role: 'subscriber' });
    const { payload } = await verifyVonageToken(body.token, publicKey);
    expect(payload).toMatchObject({ scope: 'session.connect', session_id: videoSessionId, role: 'subscriber' });
    expect(status).toBe(0);
  });

  test.each([
    [['--identity', 'alice']],
    [['--identity', 'alice', '--kind', 'video', '--session-id', videoSessionId]],
  ])('a token it mints (%j) has no findings', async (flags) => {
    const { stdout } = await runCli(['mint', 'vonage', ...flags], { env: vonageEnv() });
    const { status, report } = await inspectJson(stdout.trim());
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  test('a Video token without a session id is refused with the core\'s problem', async () => {
    const { status, stderr } = await runCli(['mint', 'vonage', '--identity', 'alice', '--kind', 'video'], { env: vonageEnv() });
    expect(stderr).toBe('Video session id is required: kind=video needs session_id, or a room name to map to a session.\n');
    expect(status).toBe(1);
  });
});

describe('mint: bad arguments', () => {
  test.each([
    [[], 'Say which vendor to mint for: mint twilio or mint vonage.'],
    [['slack', '--identity', 'alice'], 'Say which vendor to mint for: mint twilio or mint vonage.'],
    [['twilio'], '--identity is required.'],
    [['twilio', '--identity', 'alice', '--role', 'moderator'], '--role does not apply to mint twilio.'],
    [['vonage', '--identity', 'alice', '--room', 'standup'], '--room does not apply to mint vonage.'],
    [['twilio', '--identity'], 'Option \'--identity <value>\' argument missing'],
  ])('mint %j: the problem and the usage on stderr, exit 2', async (args, message) => {
    const { status, stdout, stderr } = await runCli(['mint', ...args], { env: fullTwilioEnv });
    expect(stderr.startsWith(`rtc-token: ${message}\n\nUsage: rtc-token mint twilio --identity <name> [options]\n`)).toBe(true);
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });
});
