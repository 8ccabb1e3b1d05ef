import { generateKeyPairSync, KeyObject } from 'node:crypto';

/** Credentials shaped like Twilio's, generated for the tests; they sign nothing real. */
export const twilioCredentials = {
  ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  API_KEY: 'SKfedcba9876543210fedcba9876543210',
  API_SECRET: 'tEsTsEcReT0123456789abcdefABCDEF',
};

export const chatServiceSid = 'IS11111111111111111111111111111111';
export const outgoingApplicationSid = 'AP22222222222222222222222222222222';
export const syncServiceSid = 'IS33333333333333333333333333333333';
export const pushCredentialSid = 'CR44444444444444444444444444444444';

/** Push Credential SIDs for a deployment whose apps ship on iOS and Android: a default and one per platform, per grant. */
export const pushCredentials = {
  voice: { default: pushCredentialSid, ios: 'CR55555555555555555555555555555555', android: 'CR66666666666666666666666666666666' },
  chat: { default: 'CR77777777777777777777777777777777', ios: 'CR88888888888888888888888888888888', android: 'CR99999999999999999999999999999999' },
};

/** The variables that configure `pushCredentials`. */
export const pushCredentialEnv = {
  VOICE_PUSH_CREDENTIAL_SID: pushCredentials.voice.default,
  VOICE_PUSH_CREDENTIAL_SID_IOS: pushCredentials.voice.ios,
  VOICE_PUSH_CREDENTIAL_SID_ANDROID: pushCredentials.voice.android,
  CHAT_PUSH_CREDENTIAL_SID: pushCredentials.chat.default,
  CHAT_PUSH_CREDENTIAL_SID_IOS: pushCredentials.chat.ios,
  CHAT_PUSH_CREDENTIAL_SID_ANDROID: pushCredentials.chat.android,
};

/** A deployment with every Twilio grant configured. */
export const fullTwilioEnv = {
  ...twilioCredentials,
  SERVICE_SID: chatServiceSid,
  OUTGOING_SID: outgoingApplicationSid,
  SYNC_SERVICE_SID: syncServiceSid,
};

export const vonageApplicationId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

export interface VonageKeys {
  privatePem: string;
  publicPem: string;
  publicKey: KeyObject;
}

let keys: VonageKeys | undefined;

/** One RSA key pair per test process, generated here: no key material lives in the repository. */
export function vonageKeys(): VonageKeys {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      publicKey: pair.publicKey,
    };
  }
  return keys;
}

/** A Vonage deployment with the key inline, as `.env` files usually hold it (one line, `\n` escapes). */
export function vonageEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { VONAGE_APPLICATION_ID: vonageApplicationId, VONAGE_PRIVATE_KEY: vonageKeys().privatePem.replace(/\n/g, '\\n'), ...extra };
}

/** The Client SDK paths Vonage documents, written out here independently of the code under test. */
export const documentedClientSdkPaths = [
  '/*/users/**', '/*/conversations/**', '/*/sessions/**', '/*/devices/**', '/*/image/**',
  '/*/media/**', '/*/applications/**', '/*/push/**', '/*/knocking/**', '/*/legs/**',
];

/** A real-looking Vonage Video session id. */
export const videoSessionId = '2_MX4xMDB-fjE2MjQ0NzU2NjQwNjd-V2VkIE5vdiAyMyAxNDoxNzowOSBQU1Qg~MjAxMn4wLjQ3MTQ3NTd-';
