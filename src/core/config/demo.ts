import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Env } from './env';

/**
 * Demo credentials: what `npm start` signs with for a vendor that has no credentials at all, so a
 * fresh clone answers at once. They are made in memory for one run; Twilio and Vonage reject every
 * token signed with them. Each value carries a marker, so nothing mistakes them for real ones: the
 * configuration says which vendors run on them (`Config.demo`) and `npm run deploy` refuses them.
 *
 * - A SID (`AC…`, `SK…`, `IS…`, `AP…`): its prefix, 16 zeros, then 16 random hex digits. Twilio's SIDs
 *   end in 32 random hex digits; 16 leading zeros turn up once in 2^64 of them.
 * - The API secret: `demo-secret-` and 32 random hex digits. Twilio's secrets are 32 letters and
 *   digits, never a dash.
 * - The Vonage application id: a UUID of 48 zero bits, `00000000-0000-4000-8000-` and 12 random hex
 *   digits; Vonage's are random version 4 UUIDs.
 * The SIDs and the application id are marked as well as the secret because they travel in every
 * token (`iss`, `sub`, `application_id`), where someone may copy them into a `.env`.
 */
const demoSid = /^[A-Z]{2}0{16}[0-9a-f]{16}$/;
const demoSecretPrefix = 'demo-secret-';
const demoApplicationId = /^00000000-0000-4000-8000-[0-9a-f]{12}$/;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const sid = (prefix: string) => `${prefix}${'0'.repeat(16)}${hex(8)}`;

/**
 * Marked demo values for every Twilio variable a full `/token` needs: the credentials and the
 * Conversations, TwiML App and Sync SIDs, so every grant is available.
 *
 * @example demoTwilioEnv().API_KEY // 'SK0000000000000000' + 16 random hex digits
 */
export function demoTwilioEnv(): Record<string, string> {
  return {
    ACCOUNT_SID: sid('AC'),
    API_KEY: sid('SK'),
    API_SECRET: `${demoSecretPrefix}${hex(16)}`,
    SERVICE_SID: sid('IS'),
    OUTGOING_SID: sid('AP'),
    SYNC_SERVICE_SID: sid('IS'),
  };
}

/**
 * A marked demo application id and a fresh 2048-bit RSA key (~50 ms to generate) for `/vonage-token`.
 *
 * @example demoVonageEnv().VONAGE_APPLICATION_ID // '00000000-0000-4000-8000-' + 12 random hex digits
 */
export function demoVonageEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    VONAGE_APPLICATION_ID: `00000000-0000-4000-8000-${hex(6)}`,
    VONAGE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/**
 * The variables among `names` whose value carries the demo marker, in the order given.
 *
 * @example demoVariables({ API_KEY: demoTwilioEnv().API_KEY, OUTGOING_SID: 'AP…' }, ['API_KEY', 'OUTGOING_SID']) // ['API_KEY']
 */
export function demoVariables(env: Env, names: readonly string[]): string[] {
  return names.filter((name) => {
    const value = env[name]?.trim();
    return value !== undefined && (demoSid.test(value) || value.startsWith(demoSecretPrefix) || demoApplicationId.test(value));
  });
}
