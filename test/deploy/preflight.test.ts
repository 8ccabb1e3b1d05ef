import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoTwilioEnv } from '../../src/core/config/demo';
import type { DeployPlan, PlannedFile } from '../../src/deploy/plan';
import { preflight } from '../../src/deploy/preflight';
import { twilioCredentials, vonageApplicationId, vonageKeys } from '../support/fixtures';

const authToken = '0123456789abcdef0123456789abcdef';
const passcode = 'a-long-enough-passcode';

/** What a correct project uploads: Twilio variables, caller authentication, the Vonage key as a private asset. */
const variables = {
  API_KEY: twilioCredentials.API_KEY,
  API_SECRET: twilioCredentials.API_SECRET,
  VONAGE_APPLICATION_ID: vonageApplicationId,
  AUTH_MODE: 'passcode',
  AUTH_PASSCODE: passcode,
};

function file(path: string, access: PlannedFile['access'], content: string, filePath: string): PlannedFile {
  return { path, access, content: Buffer.from(content), filePath };
}

function plan(changes: Partial<DeployPlan> = {}): DeployPlan {
  return {
    variables,
    localVariables: { ...variables, ACCOUNT_SID: twilioCredentials.ACCOUNT_SID, AUTH_TOKEN: authToken },
    credentials: { username: twilioCredentials.ACCOUNT_SID, password: authToken, usernameFrom: 'ACCOUNT_SID', passwordFrom: 'AUTH_TOKEN' },
    envAccountSid: twilioCredentials.ACCOUNT_SID,
    functions: [file('/token', 'public', '', 'build/functions/token.js'), file('/vonage-token', 'public', '', 'build/functions/vonage-token.js')],
    assets: [
      file('/assets/index.html', 'public', '<!doctype html>', 'build/assets/assets/index.html'),
      file('/vonage-private.key', 'private', vonageKeys().privatePem, 'build/assets/vonage-private.private.key'),
    ],
    envPath: '/project/.env',
    ...changes,
  };
}

/** The problems for a plan whose uploaded (and locally read) variables are `changed`. */
function problemsWith(changed: Record<string, string>, options = { allowOpenAccess: false }): string[] {
  const uploaded = { ...variables, ...changed };
  return preflight(plan({ variables: uploaded, localVariables: uploaded }), options).problems;
}

describe('deploy preflight', () => {
  test('a complete project may deploy, set up for both vendors', () => {
    expect(preflight(plan(), { allowOpenAccess: false })).toEqual({ problems: [], vendors: ['twilio', 'vonage'] });
  });

  test('no credentials for the deploy itself: says where they go', () => {
    const { problems } = preflight(plan({ credentials: { username: '', password: '', usernameFrom: 'ACCOUNT_SID', passwordFrom: 'AUTH_TOKEN' } }), { allowOpenAccess: false });
    expect(problems).toEqual(['No credentials for the deploy itself: set ACCOUNT_SID and AUTH_TOKEN in .env (only the deploy reads them, '
      + 'and never uploads them), or pass them: npm run deploy -- --username AC… --password <auth token> (an API key SID and secret work too).']);
  });

  test('a deploy username that is neither an Account SID nor an API key is named where it came from', () => {
    const credentials = { username: 'alice@example.com', password: authToken, usernameFrom: 'ACCOUNT_SID', passwordFrom: 'AUTH_TOKEN' } as const;
    expect(preflight(plan({ credentials }), { allowOpenAccess: false }).problems).toEqual([
      'ACCOUNT_SID is not an Account SID (AC followed by 32 hex characters) or an API Key SID (SK…), which the deploy signs in with.',
    ]);
    expect(preflight(plan({ credentials: { ...credentials, usernameFrom: '--username' } }), { allowOpenAccess: false }).problems[0])
      .toMatch(/^--username is not an Account SID/);
  });

  test('an API key deploy without ACCOUNT_SID in .env is fine: Twilio supplies the account SID', () => {
    const credentials = { username: twilioCredentials.API_KEY, password: twilioCredentials.API_SECRET, usernameFrom: '--username', passwordFrom: '--password' } as const;
    expect(preflight(plan({ credentials, envAccountSid: undefined }), { allowOpenAccess: false }).problems).toEqual([]);
  });

  test('a Vonage-only project is not asked for Twilio variables, although Twilio supplies ACCOUNT_SID', () => {
    const vonageOnly = { VONAGE_APPLICATION_ID: vonageApplicationId, AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode };
    expect(preflight(plan({ variables: vonageOnly, localVariables: vonageOnly }), { allowOpenAccess: false }))
      .toEqual({ problems: [], vendors: ['vonage'] });
  });

  test('a broken variable is refused by the configuration every host loads, named without its value', () => {
    expect(problemsWith({ API_KEY: twilioCredentials.ACCOUNT_SID })).toEqual(['API_KEY is not an API Key SID (SK followed by 32 hex characters).']);
    expect(problemsWith({ AUTH_PASSCODE: 'short' })).toEqual(['AUTH_PASSCODE is not at least 8 characters.']);
  });

  test('a secret in a local file cannot be deployed, however good the file: the variable says what to deploy instead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-secrets-'));
    writeFileSync(join(dir, 'api-secret'), `${twilioCredentials.API_SECRET}\n`);
    writeFileSync(join(dir, 'private.key'), vonageKeys().privatePem);
    const { API_SECRET: _secret, ...rest } = variables;
    const uploaded = { ...rest, API_SECRET_FILE: join(dir, 'api-secret'), VONAGE_PRIVATE_KEY_PATH: join(dir, 'private.key') };
    expect(preflight(plan({ variables: uploaded, localVariables: uploaded }), { allowOpenAccess: false }).problems).toEqual([
      'API_SECRET_FILE names a file on this machine, which deployed Functions cannot read: deploy API_SECRET instead.',
      'VONAGE_PRIVATE_KEY_PATH names a file on this machine, which deployed Functions cannot read: deploy the key as the private asset assets/vonage-private.private.key instead.',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the key asset is loaded as the deployed Functions load it: a broken one is refused', () => {
    const assets = [file('/vonage-private.key', 'private', 'not a key', 'build/assets/vonage-private.private.key')];
    expect(preflight(plan({ assets }), { allowOpenAccess: false }).problems).toEqual(['the private asset /vonage-private.key is not a PEM RSA private key.']);
  });

  test('a private key that would be served to anyone is refused, with the name that keeps it private', () => {
    const assets = [file('/vonage.key', 'public', vonageKeys().privatePem, 'build/assets/vonage.key')];
    expect(preflight(plan({ assets }), { allowOpenAccess: false }).problems).toContain(
      'build/assets/vonage.key holds a private key and would be served to anyone at /vonage.key. Name it vonage.private.key to deploy it as a private asset.',
    );
  });

  test('nothing set up is refused', () => {
    const none = { AUTH_MODE: 'passcode', AUTH_PASSCODE: passcode };
    expect(preflight(plan({ variables: none, localVariables: none, assets: [] }), { allowOpenAccess: false }).problems).toEqual([
      'Neither vendor is set up: set API_KEY and API_SECRET (for /token), or VONAGE_APPLICATION_ID and the key in '
      + 'assets/vonage-private.private.key (for /vonage-token), in .env.',
    ]);
  });

  test('values over Twilio\'s 450 bytes are refused by size; an inline key is pointed at the private asset', () => {
    const pem = vonageKeys().privatePem;
    expect(problemsWith({ VONAGE_PRIVATE_KEY: pem })).toEqual([
      `VONAGE_PRIVATE_KEY is ${Buffer.byteLength(pem)} bytes; a Twilio Environment Variable holds at most 450. `
      + 'Put the key in assets/vonage-private.private.key instead: a private asset, deployed and never served.',
    ]);
    expect(problemsWith({ ALLOWED_ORIGINS: `https://${'a'.repeat(440)}.example` })).toEqual([
      'ALLOWED_ORIGINS is 456 bytes; a Twilio Environment Variable holds at most 450.',
    ]);
    expect(problemsWith({ ALLOWED_ORIGINS: `https://${'é'.repeat(221)}.example` })[0]).toMatch(/^ALLOWED_ORIGINS is 458 bytes;/);
  });

  test('a name over 128 characters, and variables past the 3 KB context, are refused', () => {
    expect(problemsWith({ [`X${'_'.repeat(128)}`]: '1' })).toEqual([
      'X_______________________________________… is a 129-character name; a Twilio Environment Variable\'s name holds at most 128.',
    ]);
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`NOTE_${i}`, 'n'.repeat(400)]));
    expect(problemsWith(many)).toEqual([expect.stringMatching(
      /^The variables take \d+ bytes; with what Twilio adds, a Function's context over 3072 bytes fails its invocations \(error 82006\)\./,
    )]);
  });

  test('demo credentials are refused, whether uploaded or the deploy\'s own account', () => {
    const demo = demoTwilioEnv();
    expect(problemsWith({ API_KEY: demo.API_KEY, API_SECRET: demo.API_SECRET })).toEqual([
      'API_KEY holds a demo value, the kind npm start makes: Twilio and Vonage reject every token signed with it. Set your own.',
      'API_SECRET holds a demo value, the kind npm start makes: Twilio and Vonage reject every token signed with it. Set your own.',
    ]);
    const credentials = { username: demo.ACCOUNT_SID, password: authToken, usernameFrom: 'ACCOUNT_SID', passwordFrom: 'AUTH_TOKEN' } as const;
    expect(preflight(plan({ credentials }), { allowOpenAccess: false }).problems).toEqual([
      'ACCOUNT_SID holds a demo value, the kind npm start makes: Twilio and Vonage reject every token signed with it. Set your own.',
    ]);
  });

  test('AUTH_MODE=none is refused unless --allow-open-access says it is meant', () => {
    const open = 'AUTH_MODE is none: the deployed service would give anyone a token for any identity. Set AUTH_MODE '
      + '(passcode, jwt or vonage), or deploy it open on purpose: npm run deploy -- --allow-open-access';
    expect(problemsWith({ AUTH_MODE: 'none' })).toEqual([open]);
    expect(problemsWith({ AUTH_MODE: 'none' }, { allowOpenAccess: true })).toEqual([]);
  });

  test('a line twilio-run reads differently from the local commands is refused, with how to write it', () => {
    const local = { ...variables, TOKEN_TTL: '600', SYNC_SERVICE_SID: 'IS33333333333333333333333333333333' };
    // dotenv 6 keeps an inline comment in the value and skips an "export" line.
    const uploaded = { ...variables, TOKEN_TTL: '600 # ten minutes' };
    const { problems } = preflight(plan({ variables: uploaded, localVariables: local }), { allowOpenAccess: false });
    expect(problems.slice(0, 2)).toEqual([
      'TOKEN_TTL: twilio-run, which deploys, reads its line in .env differently from npm start and npm run serve (an inline # comment, '
      + 'an "export" prefix or a value over several lines). Write it as TOKEN_TTL=value on one line, in quotes if the value holds # or spaces.',
      expect.stringMatching(/^SYNC_SERVICE_SID: twilio-run, which deploys, reads its line in \.env differently/),
    ]);
  });

  test('no line ever holds a value', () => {
    const secrets = { API_KEY: 'SKnot-a-key-secret-ish-123', API_SECRET: 'has whitespace secret', AUTH_PASSCODE: 'tiny', VONAGE_PRIVATE_KEY: vonageKeys().privatePem };
    const credentials = { username: 'hunter2-username', password: 'hunter2 password', usernameFrom: 'ACCOUNT_SID', passwordFrom: 'AUTH_TOKEN' } as const;
    const { problems } = preflight(plan({ variables: { ...variables, ...secrets }, localVariables: variables, credentials }), { allowOpenAccess: false });
    expect(problems.length).toBeGreaterThan(3);
    for (const value of [...Object.values(secrets), credentials.username, credentials.password, ...vonageKeys().privatePem.split('\n').slice(1, -2)]) {
      for (const line of problems) expect(line).not.toContain(value);
    }
  });
});
