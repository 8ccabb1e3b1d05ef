import { createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Env, readVar } from './config/env';
import { readOriginPolicy } from './cors';
import { Host } from './endpoint';
import { asProblem, Problem } from './problem';
import { jsonReply, problemReply, Reply } from './reply';
import { minTtl } from './request/ttl';
import { loadTwilioConfig, twilioVariables } from './twilio/config';
import { availableGrants } from './twilio/grants';
import { mintTwilioToken } from './twilio/mint';
import { loadVonageConfig, vonageVariables } from './vonage/config';
import { mintVonageClientToken } from './vonage/mint';
import { defaultPrivateKeyAsset } from './vonage/private-key';

/** The identity readiness tokens are minted for; they are verified and dropped, never sent. */
const probeIdentity = 'readiness-probe';

type Vendor = 'twilio' | 'vonage';

const nothingConfigured = new Problem('config_missing',
  'Set ACCOUNT_SID, API_KEY and API_SECRET for /token, or VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY for /vonage-token.');

/**
 * Whether this deployment is ready to issue tokens: for each vendor it is configured for (any of
 * that vendor's variables set, or the Vonage key present as a private asset), load the config,
 * mint one token and verify it, so a key that parses but cannot sign is caught before traffic
 * arrives. Any problem answers 503 with that problem; a deployment configured for neither vendor
 * is not ready either.
 *
 * @example (await checkReadiness({ env: process.env })).status // 200 or 503
 */
export async function checkReadiness(host: Host): Promise<Reply> {
  try {
    readOriginPolicy(host.env);
    const vendors = configuredVendors(host);
    if (vendors.length === 0) throw nothingConfigured;
    const checks: Partial<Record<Vendor, 'ok'>> = {};
    for (const vendor of vendors) {
      if (vendor === 'twilio') probeTwilio(host.env);
      else await probeVonage(host);
      checks[vendor] = 'ok';
    }
    return jsonReply(200, { status: 'ready', checks });
  } catch (error) {
    return problemReply(asProblem(error), {}, 503);
  }
}

function configuredVendors(host: Host): Vendor[] {
  const anySet = (names: readonly string[]) => names.some((name) => readVar(host.env, name) !== undefined);
  const vendors: Vendor[] = [];
  if (anySet(twilioVariables)) vendors.push('twilio');
  if (anySet(vonageVariables) || hasPrivateKeyAsset(host)) vendors.push('vonage');
  return vendors;
}

function hasPrivateKeyAsset(host: Host): boolean {
  const asset = readVar(host.env, 'VONAGE_PRIVATE_KEY_ASSET') ?? defaultPrivateKeyAsset;
  return host.readPrivateAsset?.(asset) !== undefined;
}

function probeTwilio(env: Env): void {
  const config = loadTwilioConfig(env);
  const { token } = mintTwilioToken(config, { identity: probeIdentity, ttl: minTtl, grants: availableGrants(config) });
  jwt.verify(token, config.signingKey, { algorithms: ['HS256'] });
}

async function probeVonage(host: Host): Promise<void> {
  const config = loadVonageConfig(host.env, host.readPrivateAsset);
  const { token } = await mintVonageClientToken(config, probeIdentity, minTtl);
  jwt.verify(token, createPublicKey(config.privateKey), { algorithms: ['RS256'] });
}
