import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { readTwilioConfig } from '../../../src/core/twilio/config';
import { availableGrants, TwilioGrantName } from '../../../src/core/twilio/grants';
import { mintTwilioToken } from '../../../src/core/twilio/mint';
import { Platform } from '../../../src/core/twilio/push';
import { twilioRegions } from '../../../src/core/twilio/regions';
import { identityFault } from '../../../src/core/request/identity';
import { chatServiceSid, outgoingApplicationSid, pushCredentials, syncServiceSid, twilioCredentials } from '../../support/fixtures';

afterEach(() => jest.restoreAllMocks());

/** A deployment: which grants are configured, with which push credentials, in which Region. */
const deployments = fc.record({
  chat: fc.boolean(),
  chatPush: fc.subarray(['default', 'ios', 'android'] as const),
  voice: fc.boolean(),
  incomingAllow: fc.boolean(),
  voicePush: fc.subarray(['default', 'ios', 'android'] as const),
  sync: fc.boolean(),
  region: fc.option(fc.constantFrom(...twilioRegions), { nil: undefined }),
}).map((shape) => {
  const variable = (base: string, which: 'default' | 'ios' | 'android') => (which === 'default' ? base : `${base}_${which.toUpperCase()}`);
  const env: Record<string, string> = { ...twilioCredentials };
  if (shape.chat) env.CHAT_SERVICE_SID = chatServiceSid;
  for (const which of shape.chatPush) env[variable('CHAT_PUSH_CREDENTIAL_SID', which)] = pushCredentials.chat[which];
  if (shape.voice) Object.assign(env, { OUTGOING_SID: outgoingApplicationSid, VOICE_INCOMING_ALLOW: String(shape.incomingAllow) });
  for (const which of shape.voicePush) env[variable('VOICE_PUSH_CREDENTIAL_SID', which)] = pushCredentials.voice[which];
  if (shape.sync) env.SYNC_SERVICE_SID = syncServiceSid;
  if (shape.region) env.TWILIO_REGION = shape.region;
  return { env, config: readTwilioConfig(env) };
});

/** Characters JSON and its encoders treat specially, and some that are merely far from ASCII. */
const hostileCharacters = ['"', '\\', '/', '\u2028', '\u2029', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '🦊', 'é', 'e\u0301', '\u00a0', '<', '\ufeff'];
const anyCharacter = fc.oneof(fc.constantFrom(...hostileCharacters), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
/** Any non-empty string, lone surrogates included: whatever reaches the mint, it must write what AccessToken writes. */
const anyText = fc.oneof(
  fc.string({ unit: anyCharacter, minLength: 1, maxLength: 40 }),
  fc.constantFrom(...hostileCharacters).map((character) => character.repeat(128)),
);
/** Identities as the identity rule lets them through, up to the 128-character limit. */
const validIdentities = fc.oneof(
  fc.string({ unit: anyCharacter, minLength: 1, maxLength: 128 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '/', '🦊', 'é', '<', 'a'), minLength: 128, maxLength: 128 }),
).filter((identity) => identityFault(identity) === undefined);

/** The same token with twilio's own AccessToken, its secret a string as Twilio's docs pass it, its grants written from the variables. */
function referenceToken(env: Record<string, string>, spec: { identity: string; ttl: number; grants: TwilioGrantName[]; room?: string; platform?: Platform }): string {
  const push = (credentials: Partial<Record<'default' | 'ios' | 'android', string>>) =>
    (spec.platform === 'ios' || spec.platform === 'android' ? credentials[spec.platform] : undefined) ?? credentials.default;
  const pushFor = (base: string) => push({ default: env[base], ios: env[`${base}_IOS`], android: env[`${base}_ANDROID`] });
  const token = new AccessToken(env.ACCOUNT_SID, env.API_KEY, env.API_SECRET, { identity: spec.identity, ttl: spec.ttl, region: env.TWILIO_REGION });
  const grants = {
    video: () => new AccessToken.VideoGrant({ room: spec.room }),
    chat: () => new AccessToken.ChatGrant({ serviceSid: env.CHAT_SERVICE_SID, pushCredentialSid: pushFor('CHAT_PUSH_CREDENTIAL_SID') }),
    voice: () => new AccessToken.VoiceGrant({
      outgoingApplicationSid: env.OUTGOING_SID, incomingAllow: env.VOICE_INCOMING_ALLOW === 'true', pushCredentialSid: pushFor('VOICE_PUSH_CREDENTIAL_SID'),
    }),
    sync: () => new AccessToken.SyncGrant({ serviceSid: env.SYNC_SERVICE_SID }),
  };
  for (const name of spec.grants) token.addGrant(grants[name]());
  return token.toJwt();
}

const requests = (identities: fc.Arbitrary<string>, rooms: fc.Arbitrary<string>) => deployments.chain((deployment) => fc.record({
  deployment: fc.constant(deployment),
  identity: identities,
  // Any order: AccessToken writes grants in the order they were added.
  grants: fc.shuffledSubarray(availableGrants(deployment.config), { minLength: 1 }),
  room: fc.option(rooms, { nil: undefined }),
  platform: fc.constantFrom(undefined, 'ios', 'android', 'web'),
  ttl: fc.integer({ min: 60, max: 86400 }),
  // 2001 to 2286: ten-digit seconds, as AccessToken's jti and iat carry them; any millisecond within.
  nowMs: fc.integer({ min: 1e12, max: 1e13 - 1 }),
}));

async function expectTheSameToken(request: fc.Arbitrary<{
  deployment: { env: Record<string, string>; config: ReturnType<typeof readTwilioConfig> };
  identity: string; grants: TwilioGrantName[]; room?: string; platform?: Platform; ttl: number; nowMs: number;
}>): Promise<void> {
  await fc.assert(fc.asyncProperty(request, async ({ deployment, nowMs, ...spec }) => {
    jest.spyOn(Date, 'now').mockReturnValue(nowMs);
    const minted = mintTwilioToken(deployment.config, spec);
    const reference = referenceToken(deployment.env, spec);

    // Claim by claim first, so a difference reads as one; then every byte, key order included.
    expect(decodeProtectedHeader(minted.token)).toEqual(decodeProtectedHeader(reference));
    expect(decodeJwt(minted.token)).toEqual(decodeJwt(reference));
    const [header, payload, signature] = minted.token.split('.');
    expect({ header, payload, signature }).toEqual(Object.fromEntries(['header', 'payload', 'signature'].map((part, i) => [part, reference.split('.')[i]])));
    expect(minted.expiresAt).toBe(Math.floor(nowMs / 1000) + spec.ttl);

    // An independent verifier, keyed with the secret's bytes rather than the service's KeyObject.
    const { payload: verified } = await jwtVerify(minted.token, new TextEncoder().encode(twilioCredentials.API_SECRET), {
      algorithms: ['HS256'], currentDate: new Date(nowMs),
    });
    expect(verified.exp).toBe(minted.expiresAt);
  }), { numRuns: 300 });
}

describe('mintTwilioToken writes the token twilio\'s AccessToken writes', () => {
  test('byte for byte, for identities and rooms the request rules let through', async () => {
    await expectTheSameToken(requests(validIdentities, validIdentities));
  });

  test('byte for byte, for any text at all, lone surrogates and separators included', async () => {
    await expectTheSameToken(requests(anyText, anyText));
  });

  test('names the Region in the header when one is configured', () => {
    const config = readTwilioConfig({ ...twilioCredentials, TWILIO_REGION: 'ie1' });
    expect(decodeProtectedHeader(mintTwilioToken(config, { identity: 'alice', ttl: 3600, grants: ['video'] }).token))
      .toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'ie1' });
  });

  test('reads the clock once: jti, iat and exp agree', () => {
    jest.spyOn(Date, 'now').mockReturnValueOnce(1_800_000_000_999).mockReturnValue(1_800_000_001_000);
    const config = readTwilioConfig(twilioCredentials);
    const { token, expiresAt } = mintTwilioToken(config, { identity: 'alice', ttl: 600, grants: ['video'] });
    expect(decodeJwt(token)).toMatchObject({ jti: `${twilioCredentials.API_KEY}-1800000000`, iat: 1_800_000_000, exp: 1_800_000_600 });
    expect(expiresAt).toBe(1_800_000_600);
  });
});
