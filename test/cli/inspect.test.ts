import AccessToken from 'twilio/lib/jwt/AccessToken';
import {
  chatServiceSid, documentedClientSdkPaths, outgoingApplicationSid, pushCredentials, syncServiceSid, twilioCredentials,
  videoSessionId, vonageApplicationId, vonageKeys,
} from '../support/fixtures';
import { inspectJson, runCli } from '../support/cli';
import { resign, twilioSecret, twilioToken, vonageTokens } from '../support/vendor-tokens';

/** Every run judges times at this instant: `--now` freezes the command's clock. */
const now = '2026-11-23T14:00:00Z';
const nowMs = Date.parse(now);
const minute = 60_000;
const hour = 60 * minute;
const at = ['--now', now];

/** The finding codes a report lists, with each finding's severity and the vendor's code. */
function findingsOf(report: { findings: Array<{ severity: string; code: string; vendorCode?: number | string }> }) {
  return report.findings.map(({ severity, code, vendorCode }) => ({ severity, code, vendorCode }));
}

const { ChatGrant, SyncGrant, VideoGrant, VoiceGrant } = AccessToken;
/** A chat grant as a mobile app's token carries it, so tests about other things see no push note. */
const chatGrant = (options: { serviceSid?: string; pushCredentialSid?: string } = { serviceSid: chatServiceSid }) =>
  new ChatGrant({ pushCredentialSid: pushCredentials.chat.ios, ...options });
const fullyConfiguredGrants = () => [
  new VideoGrant({ room: 'standup' }),
  chatGrant(),
  new VoiceGrant({ outgoingApplicationSid, incomingAllow: true, pushCredentialSid: pushCredentials.voice.ios }),
  new SyncGrant({ serviceSid: syncServiceSid }),
];

describe('inspect: Twilio Access Tokens made by twilio\'s AccessToken', () => {
  test('a correct token with every grant has no findings and exits 0', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, grants: fullyConfiguredGrants() });
    const { status, report } = await inspectJson(token, ...at);
    expect(report.kind).toBe('twilio');
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  test.each([
    ['expired an hour after it was issued four hours ago', { issuedAt: nowMs - 4 * hour, ttl: 3600 }, 'expired', 20104],
    ['not valid before nbf, 5 min from now', { issuedAt: nowMs - minute, nbf: nowMs / 1000 + 300 }, 'not_yet_valid', 20105],
    ['a ttl of 25 hours, over the 24-hour maximum', { issuedAt: nowMs - minute, ttl: 25 * 3600 }, 'lifetime_too_long', 20157],
    ['signed HS512', { issuedAt: nowMs - minute, algorithm: 'HS512' as const }, 'alg_invalid', 20102],
    ['signed with the Account SID as the key (main credentials)', { issuedAt: nowMs - minute, keySid: twilioCredentials.ACCOUNT_SID }, 'iss_account_sid', 20103],
    ['an issuer that is not an API key SID', { issuedAt: nowMs - minute, keySid: 'my-api-key' }, 'iss_invalid', 20103],
    ['a subject that is not an Account SID', { issuedAt: nowMs - minute, accountSid: twilioCredentials.API_KEY }, 'sub_invalid', 20103],
    ['an identity of 129 characters', { issuedAt: nowMs - minute, identity: 'a'.repeat(129) }, 'identity_too_long', 51003],
    ['only an identity, no product grant', { issuedAt: nowMs - minute, grants: [] }, 'grants_empty', 20106],
    ['a chat grant without a service SID', { issuedAt: nowMs - minute, grants: [chatGrant({})] }, 'chat_service_missing', 51007],
    ['a sync grant without a service SID', { issuedAt: nowMs - minute, grants: [new SyncGrant({})] }, 'sync_service_missing', 51007],
  ])('flags %s as an error with Twilio\'s code and exits 1', async (_, spec, code, vendorCode) => {
    const { status, report } = await inspectJson(twilioToken(spec), ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code, vendorCode }]);
    expect(status).toBe(1);
  });

  test.each([
    ['a zero-width space', 'alice\u200b', 'identity_invisible_characters', 'U+200B at position 6'],
    ['a trailing space', 'alice ', 'identity_invisible_characters', 'U+0020 at position 6'],
    ['a decomposed accent (not NFC)', 'jose\u0301', 'identity_not_nfc', 'not in Unicode NFC'],
  ])('warns about an identity with %s, which Twilio accepts (exit 0)', async (_, identity, code, detail) => {
    const { status, report } = await inspectJson(twilioToken({ issuedAt: nowMs - minute, identity }), ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'warning', code, vendorCode: undefined }]);
    expect(report.findings[0].message).toContain(detail);
    expect(status).toBe(0);
  });

  test('warns that a voice grant without an outgoing application cannot place calls', async () => {
    const token = twilioToken({
      issuedAt: nowMs - minute, grants: [new VoiceGrant({ incomingAllow: true, pushCredentialSid: pushCredentials.voice.ios })],
    });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'warning', code: 'voice_outgoing_missing', vendorCode: 51007 }]);
    expect(status).toBe(0);
  });

  test('notes, without failing, voice and chat grants that carry no push credential: the token does not say it is for a phone', async () => {
    const token = twilioToken({
      issuedAt: nowMs - minute,
      grants: [chatGrant({ serviceSid: chatServiceSid, pushCredentialSid: undefined }), new VoiceGrant({ outgoingApplicationSid })],
    });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([
      { severity: 'info', code: 'voice_push_credential_missing', vendorCode: 52002 },
      { severity: 'info', code: 'chat_push_credential_missing', vendorCode: 52002 },
    ]);
    expect(report.findings.map((finding) => finding.message)).toEqual([
      'The voice grant has no push_credential_sid: right for a web app, but an iOS or Android app using this token gets no '
        + 'push notifications of incoming calls. A token does not record its platform; /token adds the platform\'s credential '
        + '(VOICE_PUSH_CREDENTIAL_SID_IOS, _ANDROID or the default) for platform=ios or android.',
      'The chat grant has no push_credential_sid: right for a web app, but an iOS or Android app using this token gets no '
        + 'push notifications of incoming messages. A token does not record its platform; /token adds the platform\'s credential '
        + '(CHAT_PUSH_CREDENTIAL_SID_IOS, _ANDROID or the default) for platform=ios or android.',
    ]);
    expect(report.findings[0].vendorAnswer)
      .toBe('Twilio answers 52002 "Invalid Credential Sid" when a mobile app registers for push notifications with this token.');
    expect(status).toBe(0);
  });

  test('flags a token without identity (re-signed: twilio\'s AccessToken refuses to make one)', async () => {
    const token = await resign(twilioToken({ issuedAt: nowMs - minute }), twilioSecret, {
      claims: ({ grants, ...claims }) => ({ ...claims, grants: { video: (grants as { video: unknown }).video } }),
    });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'identity_missing', vendorCode: 20101 }]);
    expect(status).toBe(1);
  });

  test.each([
    ['no grants claim', ({ grants: _, ...claims }: Record<string, unknown>) => claims, 'grants_missing', 20106],
    ['no exp', ({ exp: _, ...claims }: Record<string, unknown>) => claims, 'exp_missing', 20104],
    ['an exp written as a string', (claims: Record<string, unknown>) => ({ ...claims, exp: String(claims.exp) }), 'exp_invalid', 20104],
    ['a numeric identity', (claims: Record<string, unknown>) => ({ ...claims, grants: { identity: 42, video: {} } }), 'identity_invalid', 20101],
  ])('flags a token with %s (re-signed: twilio\'s AccessToken never makes one)', async (_, claims, code, vendorCode) => {
    const token = await resign(twilioToken({ issuedAt: nowMs - minute }), twilioSecret, { claims });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code, vendorCode }]);
    expect(status).toBe(1);
  });

  test('flags a header without cty (re-signed without it)', async () => {
    const token = await resign(twilioToken({ issuedAt: nowMs - minute }), twilioSecret, {
      header: ({ cty: _, ...header }) => header,
    });
    const { report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'cty_missing', vendorCode: 20102 }]);
  });

  test('flags a token for region us1 (no twr) signed, by the user\'s account, with an ie1 key', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, grants: [chatGrant()] });
    const { status, report } = await inspectJson(token, ...at, '--key-region', 'ie1');
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'region_mismatch', vendorCode: 20101 }]);
    expect(report.findings[0].message).toContain('region option set to \'ie1\'');
    expect(status).toBe(1);
  });

  test('a token with the region option (twr header) matches a key from that region', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, region: 'ie1', grants: [chatGrant()] });
    expect(findingsOf((await inspectJson(token, ...at, '--key-region', 'ie1')).report)).toEqual([]);
    expect(findingsOf((await inspectJson(token, ...at, '--key-region', 'us1')).report))
      .toEqual([{ severity: 'error', code: 'region_mismatch', vendorCode: 20101 }]);
  });

  test('without --key-region, a twr header is reported as a hint', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, region: 'ie1', grants: [chatGrant()] });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'info', code: 'region_hint', vendorCode: undefined }]);
    expect(status).toBe(0);
  });

  test('warns that Twilio Video takes only US1 keys when a video token names another region', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, region: 'au1' });
    const { report } = await inspectJson(token, ...at, '--key-region', 'au1');
    expect(findingsOf(report)).toEqual([{ severity: 'warning', code: 'video_region', vendorCode: 51007 }]);
  });

  test('warns about a token issued in the future (the minting clock runs ahead)', async () => {
    const { report } = await inspectJson(twilioToken({ issuedAt: nowMs + 5 * minute }), ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'warning', code: 'issued_in_future', vendorCode: 20105 }]);
  });
});

describe('inspect: Vonage Client SDK tokens made by @vonage/jwt tokenGenerate', () => {
  const { privatePem } = vonageKeys();
  const clientAcl = (paths: string[]) => ({ paths: Object.fromEntries(paths.map((path) => [path, {}])) });
  const good = { subject: 'alice', acl: clientAcl(documentedClientSdkPaths), ttl: 900 };
  const without = (...paths: string[]) => clientAcl(documentedClientSdkPaths.filter((path) => !paths.includes(path)));
  let tokens: Record<string, string>;

  beforeAll(() => {
    const specs = {
      clean: { issuedAt: nowMs - minute, options: good },
      expired: { issuedAt: nowMs - 4 * hour, options: { ...good, ttl: 3600 } },
      tooLong: { issuedAt: nowMs - minute, options: { ...good, ttl: 25 * 3600 } },
      noSub: { issuedAt: nowMs - minute, options: { acl: good.acl, ttl: 900 } },
      noKnocking: { issuedAt: nowMs - minute, options: { ...good, acl: without('/*/knocking/**') } },
      noSessions: { issuedAt: nowMs - minute, options: { ...good, acl: without('/*/sessions/**') } },
      noAcl: { issuedAt: nowMs - minute, options: { subject: 'alice', ttl: 900 } },
    };
    const made = vonageTokens(vonageApplicationId, privatePem, Object.values(specs).map((spec) => ({ kind: 'client' as const, ...spec })));
    tokens = Object.fromEntries(Object.keys(specs).map((name, index) => [name, made[index]]));
  });

  test('a correct token has no findings', async () => {
    const { status, report } = await inspectJson(tokens.clean, ...at);
    expect(report.kind).toBe('vonage-client');
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  test.each([
    ['expired', 'expired', 'error', 'system:error:expired-token'],
    ['tooLong', 'lifetime_too_long', 'error', 'system:error:invalid-token'],
    ['noSub', 'sub_missing', 'error', 'system:error:invalid-token'],
    ['noSessions', 'acl_insufficient', 'error', 'system:error:permission'],
    ['noKnocking', 'acl_calls_incomplete', 'warning', 'system:error:permission'],
    ['noAcl', 'acl_missing', 'warning', undefined],
  ])('flags the %s token with %s', async (name, code, severity, vendorCode) => {
    const { status, report } = await inspectJson(tokens[name], ...at);
    expect(findingsOf(report)).toEqual([{ severity, code, vendorCode }]);
    expect(status).toBe(severity === 'error' ? 1 : 0);
  });

  test('names the call paths an ACL without /*/knocking/** lacks', async () => {
    const { report } = await inspectJson(tokens.noKnocking, ...at);
    expect(report.findings[0].message).toBe('The ACL lacks /*/knocking/**: messaging works, but calls fail.');
  });

  test('flags a token without application_id (re-signed: tokenGenerate always sets it)', async () => {
    const token = await resign(tokens.clean, { privatePem }, { claims: ({ application_id: _, ...claims }) => claims });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'application_id_missing', vendorCode: 'system:error:invalid-token' }]);
    expect(status).toBe(1);
  });

  test('warns about a token without exp: Vonage honours it for 15 minutes', async () => {
    const token = await resign(tokens.clean, { privatePem }, { claims: ({ exp: _, ...claims }) => claims });
    const { report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'warning', code: 'exp_missing', vendorCode: 'system:error:expired-token' }]);
  });

  test.each([
    ['an application_id that is not a UUID', (claims: Record<string, unknown>) => ({ ...claims, application_id: 'my-app' }), 'application_id_invalid', 'error', 'system:error:invalid-token'],
    ['neither exp nor iat', ({ exp: _, iat: __, ...claims }: Record<string, unknown>) => claims, 'exp_missing', 'error', 'system:error:invalid-token'],
    ['an acl without a paths object', (claims: Record<string, unknown>) => ({ ...claims, acl: ['/*/sessions/**'] }), 'acl_invalid', 'error', 'system:error:permission'],
  ])('flags a token with %s (re-signed)', async (_, claims, code, severity, vendorCode) => {
    const token = await resign(tokens.clean, { privatePem }, { claims });
    const { report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity, code, vendorCode }]);
  });

  test('flags a token signed with another algorithm than RS256', async () => {
    const token = await resign(tokens.clean, { privatePem }, { header: (header) => ({ ...header, alg: 'RS512' }) });
    const { report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'alg_invalid', vendorCode: 'system:error:invalid-token' }]);
  });
});

describe('inspect: Vonage Video tokens made by @vonage/video generateClientToken', () => {
  const { privatePem } = vonageKeys();
  const nowSeconds = nowMs / 1000;
  let tokens: Record<string, string>;

  beforeAll(() => {
    const issuedAt = nowMs - minute;
    const specs = {
      clean: { issuedAt, sessionId: videoSessionId, options: { role: 'subscriber', expireTime: nowSeconds + 3600 } },
      defaults: { issuedAt, sessionId: videoSessionId, options: {} },
      // @vonage/jwt replaces an exp already past with one 15 minutes on, so this one was made 4 hours ago.
      expired: { issuedAt: nowMs - 4 * hour, sessionId: videoSessionId, options: { expireTime: nowSeconds - 3 * 3600 } },
      tooLong: { issuedAt, sessionId: videoSessionId, options: { expireTime: nowSeconds + 31 * 86400 } },
      badRole: { issuedAt, sessionId: videoSessionId, options: { role: 'admin' } },
      noSession: { issuedAt, sessionId: '', options: {} },
    };
    const made = vonageTokens(vonageApplicationId, privatePem, Object.values(specs).map((spec) => ({ kind: 'video' as const, ...spec })));
    tokens = Object.fromEntries(Object.keys(specs).map((name, index) => [name, made[index]]));
  });

  test.each(['clean', 'defaults'])('a %s token has no findings', async (name) => {
    const { status, report } = await inspectJson(tokens[name], ...at);
    expect(report.kind).toBe('vonage-video');
    expect(report.findings).toEqual([]);
    expect(status).toBe(0);
  });

  test('flags a token whose scope is not session.connect (re-signed)', async () => {
    const token = await resign(tokens.clean, { privatePem }, { claims: (claims) => ({ ...claims, scope: 'session.moderate' }) });
    const { report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'scope_invalid', vendorCode: undefined }]);
  });

  test.each([
    ['expired', 'expired', 'error'],
    ['tooLong', 'lifetime_too_long', 'error'],
    ['badRole', 'role_invalid', 'warning'],
    ['noSession', 'session_id_missing', 'error'],
  ])('flags the %s token with %s', async (name, code, severity) => {
    const { report } = await inspectJson(tokens[name], ...at);
    expect(findingsOf(report)).toEqual([{ severity, code, vendorCode: undefined }]);
  });
});

describe('inspect: the token endpoints\' answers', () => {
  test('reads the token out of the JSON answer curl pipes in', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, grants: fullyConfiguredGrants() });
    const answer = JSON.stringify({ token, identity: 'alice', grants: ['video', 'chat', 'voice', 'sync'], ttl: 3600, expires_at: '2026-11-23T14:59:00.000Z' });
    const { status, stdout } = await runCli(['inspect', '-', '--json', ...at], { input: `${answer}\n` });
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'twilio', claims: { grants: { identity: 'alice' } }, findings: [] });
    expect(status).toBe(0);
  });

  test('says a refusal is no token, in the problem\'s own words', async () => {
    const refusal = JSON.stringify({
      type: 'urn:rtc-token-service:problem:auth_required', title: 'Authentication is required', status: 401,
      detail: 'Send the passcode as Authorization: Bearer <passcode>.', code: 'auth_required',
    });
    const { status, stdout, stderr } = await runCli(['inspect', '-', ...at], { input: refusal });
    expect(stderr).toBe('rtc-token: This is the endpoint\'s refusal, not a token: Authentication is required (auth_required): '
      + 'Send the passcode as Authorization: Bearer <passcode>.\n');
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });

  test.each([
    ['{"identity":"alice"}', 'This JSON holds no token field: it is not a token endpoint\'s answer.'],
    ['{not json', 'This is neither a token nor a token endpoint\'s JSON answer.'],
  ])('refuses %s, saying why', async (input, message) => {
    const { status, stderr } = await runCli(['inspect', '-', ...at], { input });
    expect(stderr).toBe(`rtc-token: ${message}\n`);
    expect(status).toBe(1);
  });
});

describe('inspect: what a person reads', () => {
  test('prints the header, the claims with absolute and relative times, and no findings', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, grants: [new VideoGrant({ room: 'standup' })] });
    const { status, stdout } = await runCli(['inspect', token, ...at]);
    expect(stdout).toBe(`Twilio Access Token

Header
  alg: HS256
  typ: JWT
  cty: twilio-fpa;v=1

Claims
  jti:    SKfedcba9876543210fedcba9876543210-1795442340
  grants:
    identity: alice
    video:    {"room":"standup"}
  iat:    2026-11-23T13:59:00Z (issued 1 min ago)
  exp:    2026-11-23T14:14:00Z (expires in 14 min)
  iss:    SKfedcba9876543210fedcba9876543210
  sub:    AC0123456789abcdef0123456789abcdef

The signature is not checked here: rtc-token verify checks it with your credentials.

No findings.
`);
    expect(status).toBe(0);
  });

  test('says how long ago an expired token expired, and what Twilio answers', async () => {
    const token = twilioToken({ issuedAt: nowMs - 4 * hour, ttl: 3600 });
    const { status, stdout } = await runCli(['inspect', token, ...at]);
    expect(stdout).toContain('  exp:    2026-11-23T11:00:00Z (expired 3 h ago)\n');
    expect(stdout).toContain(`Findings
  error   expired: The token expired 3 h ago, at 2026-11-23T11:00:00Z.
          Twilio answers 20104 "Access Token expired or expiration date invalid".
`);
    expect(status).toBe(1);
  });

  test('wraps a long finding into a paragraph under its code', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, grants: [chatGrant()] });
    const { stdout } = await runCli(['inspect', token, ...at, '--key-region', 'ie1']);
    expect(stdout).toContain(`Findings
  error   region_mismatch: The token is for region us1 (no twr header) but the API key was
          created in ie1: Twilio looks the key up in the token's region. Mint with the
          twilio library's region option set to 'ie1', which writes the twr header.
          Twilio answers 20101 "Invalid Access Token".
`);
  });

  test('lists a Vonage token\'s ACL paths one per line', async () => {
    const [token] = vonageTokens(vonageApplicationId, vonageKeys().privatePem, [{
      kind: 'client', issuedAt: nowMs - minute,
      options: { subject: 'alice', ttl: 900, acl: { paths: { '/*/sessions/**': {}, '/*/conversations/**': { methods: ['GET'] } } } },
    }]);
    const { stdout } = await runCli(['inspect', token, ...at]);
    expect(stdout).toContain(`Vonage Client SDK token\n`);
    expect(stdout).toContain(`  acl:            2 paths
    /*/sessions/**
    /*/conversations/** {"methods":["GET"]}
`);
    expect(stdout).toContain('  exp:            2026-11-23T14:14:00Z (expires in 14 min)\n');
  });

  test('escapes control characters in claims, so a token cannot drive the terminal', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute, identity: 'alice\u001b[2J' });
    const { stdout } = await runCli(['inspect', token, ...at]);
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('    identity: alice\\u{1B}[2J\n');
  });

  test('reads the token from stdin for -', async () => {
    const token = twilioToken({ issuedAt: nowMs - minute });
    const result = await runCli(['inspect', '-', '--json', ...at], { input: `${token}\n` });
    expect(JSON.parse(result.stdout).kind).toBe('twilio');
    expect(result.status).toBe(0);
  });

  test('reports text that is not a JWT as malformed, exit 1', async () => {
    const { status, report } = await inspectJson('not-a-token', ...at);
    expect(report).toMatchObject({ kind: 'unknown', header: null, claims: null });
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'malformed', vendorCode: undefined }]);
    expect(status).toBe(1);
  });

  test('reports a JWT of neither vendor as unrecognised', async () => {
    const token = await resign(twilioToken({ issuedAt: nowMs - minute }), twilioSecret, {
      header: ({ cty: _, ...header }) => header, claims: ({ grants: _, ...claims }) => claims,
    });
    const { status, report } = await inspectJson(token, ...at);
    expect(findingsOf(report)).toEqual([{ severity: 'error', code: 'unrecognised', vendorCode: undefined }]);
    expect(status).toBe(1);
  });
});

describe('inspect: hostile tokens get a report, never a crash', () => {
  /** A Twilio-looking token around raw claims text, signed with nothing: inspect never checks signatures. */
  const rawToken = (claims: string) => [
    Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })).toString('base64url'),
    Buffer.from(claims).toString('base64url'),
    'c2lnbmF0dXJl',
  ].join('.');
  const claimsWith = (members: string) => `{"jti":"${twilioCredentials.API_KEY}-1","iss":"${twilioCredentials.API_KEY}",`
    + `"sub":"${twilioCredentials.ACCOUNT_SID}","iat":${nowMs / 1000 - 60},${members}}`;

  test.each([['1e308', 1e308], ['8640000000001', 8640000000001]])('an exp of %s is an exp_invalid finding, in text and JSON', async (text, value) => {
    const token = rawToken(claimsWith(`"exp":${text},"grants":{"identity":"alice","video":{}}`));
    const { status, report, stderr } = await inspectJson(token, ...at);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(report.claims!.exp).toBe(value);
    expect(report.findings).toEqual([{
      severity: 'error', code: 'exp_invalid', vendorCode: 20104,
      message: `exp is ${JSON.stringify(value)}, beyond any date: times reach 8640000000000 seconds either side of 1970 (the year 275760).`,
      vendorAnswer: 'Twilio answers 20104 "Access Token expired or expiration date invalid".',
    }]);
    const printed = await runCli(['inspect', token, ...at]);
    expect(printed).toMatchObject({ status: 1, stderr: '' });
    expect(printed.stdout).toContain(`  exp:    ${JSON.stringify(value)}\n`);
  });

  test('claims nested 10 000 deep are cut at 32 levels, with a finding that says so', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const token = rawToken(claimsWith(`"exp":${nowMs / 1000 + 600},"grants":{"identity":"alice","video":{"room":${deep}}}`));
    const { status, report, stderr } = await inspectJson(token, ...at);
    expect(stderr).toBe('');
    expect(findingsOf(report)).toContainEqual({ severity: 'warning', code: 'nesting_too_deep', vendorCode: undefined });
    // grants (1), video (2), room (3): the arrays take the 29 levels left, then the marker.
    let value = (report.claims!.grants as any).video.room;
    for (let level = 3; level < 32; level++) value = value[0];
    expect(value).toBe('[nested deeper than 32 levels]');
    expect(status).toBe(0);
    const printed = await runCli(['inspect', token, ...at]);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toContain('warning nesting_too_deep: The token nests JSON deeper than 32 levels');
  });

  test('--json escapes C1 controls and bidirectional overrides as \\u escapes', async () => {
    const token = rawToken(claimsWith(`"exp":${nowMs / 1000 + 600},"grants":{"identity":"ali\u009b\u202ece\u2066","video":{}}`));
    const { stdout } = await runCli(['inspect', token, '--json', ...at]);
    expect(stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(stdout).toContain('"identity": "ali\\u009b\\u202ece\\u2066"');
    expect((JSON.parse(stdout).claims.grants as { identity: string }).identity).toBe('ali\u009b\u202ece\u2066');
  });
});

describe('inspect: bad arguments', () => {
  test.each([
    [[], 'rtc-token: Give a token, or - to read it from stdin.'],
    [['a', 'b'], 'rtc-token: Expected one token, got 2 arguments.'],
    [['token', '--now', 'yesterday'], 'rtc-token: --now must be an ISO 8601 date and time, such as 2026-11-23T14:00:00Z.'],
    [['token', '--jsn'], 'rtc-token: Unknown option \'--jsn\'.'],
  ])('inspect %j prints what is wrong and the usage on stderr, exit 2', async (args, message) => {
    const { status, stdout, stderr } = await runCli(['inspect', ...args]);
    expect(stderr.startsWith(`${message}\n\nUsage: rtc-token inspect <token | -> [options]\n`)).toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  test('--help prints the usage on stdout, exit 0', async () => {
    const { status, stdout } = await runCli(['inspect', '--help']);
    expect(stdout).toMatch(/^Usage: rtc-token inspect <token \| -> \[options\]\n/);
    expect(stdout).toContain('--key-region <region>');
    expect(status).toBe(0);
  });
});
