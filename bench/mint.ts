import { tokenGenerate } from '@vonage/jwt';
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { readTwilioConfig } from '../src/core/twilio/config';
import { mintTwilioToken } from '../src/core/twilio/mint';
import { readVonageConfig } from '../src/core/vonage/config';
import { mintVonageClientToken } from '../src/core/vonage/mint';
import { compare } from './stats';

const hex = () => randomBytes(16).toString('hex');

/** Credentials shaped like real ones, generated for this run. */
export function benchEnv() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ACCOUNT_SID: `AC${hex()}`, API_KEY: `SK${hex()}`, API_SECRET: hex(),
    SERVICE_SID: `IS${hex()}`, OUTGOING_SID: `AP${hex()}`,
    VONAGE_APPLICATION_ID: randomUUID(),
    VONAGE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

function signingInput(token: string): string {
  return token.slice(0, token.lastIndexOf('.'));
}

/** µs per Twilio token with video+chat+voice: this project, the stock string-secret path, one HMAC. */
export function benchTwilioMint(env: ReturnType<typeof benchEnv>, quick: boolean) {
  const config = readTwilioConfig(env);
  const spec = { identity: 'alice', ttl: 3600, grants: ['video', 'chat', 'voice'] as const };
  const input = signingInput(mintTwilioToken(config, spec).token);
  const stock = () => {
    const token = new AccessToken(env.ACCOUNT_SID, env.API_KEY, env.API_SECRET, { identity: 'alice', ttl: 3600 });
    token.addGrant(new AccessToken.VideoGrant({}));
    token.addGrant(new AccessToken.ChatGrant({ serviceSid: env.SERVICE_SID }));
    token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: env.OUTGOING_SID, incomingAllow: true }));
    return token.toJwt();
  };
  return compare([
    { name: 'project', run: () => mintTwilioToken(config, spec) },
    { name: 'stock', run: stock },
    { name: 'hmacFloor', run: () => createHmac('sha256', config.signingKey).update(input).digest('base64url') },
  ], quick ? { batch: 200, batches: 5, warmup: 200 } : { batch: 1000, batches: 15, warmup: 2000 });
}

/** What RS256 signs for a Vonage client token as `/vonage-token?identity=alice` mints it. */
export async function vonageSigningInput(env: ReturnType<typeof benchEnv>): Promise<string> {
  return signingInput((await mintVonageClientToken(readVonageConfig(env, () => undefined), 'alice', 900)).token);
}

/** µs per Vonage client token: this project, @vonage/jwt's tokenGenerate, one raw RS256 signature. */
export async function benchVonageMint(env: ReturnType<typeof benchEnv>, quick: boolean) {
  const config = readVonageConfig(env, () => undefined);
  const input = Buffer.from(await vonageSigningInput(env));
  return compare([
    { name: 'project', run: () => mintVonageClientToken(config, 'alice', 900) },
    { name: 'vonageJwt', run: () => tokenGenerate(env.VONAGE_APPLICATION_ID, env.VONAGE_PRIVATE_KEY, { subject: 'alice', acl: config.acl, ttl: 900 }) },
    { name: 'rs256Floor', run: () => sign('sha256', input, config.privateKey) },
  ], quick ? { batch: 20, batches: 3, warmup: 20 } : { batch: 100, batches: 11, warmup: 100 });
}
