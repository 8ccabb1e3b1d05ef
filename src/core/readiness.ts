import { KeyObject, sign, verify } from 'node:crypto';
import { Config, configProblems, use, Vendor } from './config/config';
import { invalidConfig } from './config/env';
import { asProblem, Problem } from './problem';
import { jsonReply, problemReply, Reply } from './reply';
import { minTtl } from './request/ttl';
import { Service } from './service';

/** The identity the readiness token is minted for; it is dropped, never sent. */
const probeIdentity = 'readiness-probe';

const nothingConfigured = new Problem('config_missing',
  'Set ACCOUNT_SID, API_KEY and API_SECRET for /token, or VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY for /vonage-token.');

/**
 * Readiness for one running service: 503 with exactly the problem a token request would get while
 * the configuration is broken (CORS, auth, state, limits, or a vendor that is set up) or the shared
 * state cannot be reached; otherwise 200 once each vendor's credentials have signed: a Twilio
 * token minted, and a signature made with the Vonage key verified with its public half, so a key
 * that parses but cannot sign is caught before traffic arrives. The store is asked every time (a
 * ping, within its one-second deadline).
 *
 * What an orchestrator sees is whether this replica can serve, never how busy it is. A flood of
 * RSA requests is shed per request with `overloaded` and Retry-After while `/token` and everything
 * else keep answering; pulling the replica out of service for it would move the flood onto the
 * others and take `/token` down with it. So the signing check runs outside the signing queue,
 * synchronously (one RSA signature, ~1.5 ms), and can never be shed. A passed check is kept for the
 * process's life (the keys cannot change while it runs); a failed one is never kept, so the next
 * probe checks again.
 *
 * @example const ready = createReadiness(service); (await ready()).status // 200 or 503
 */
export function createReadiness(service: Service): () => Promise<Reply> {
  const { config, store } = service;
  const [broken] = configProblems(config);
  const settled = broken ?? (store instanceof Problem ? store : undefined)
    ?? (config.vendors.length === 0 ? nothingConfigured : undefined);
  if (settled !== undefined) {
    const reply = notReady(settled);
    return () => Promise.resolve(reply);
  }
  let signed: Promise<Reply> | undefined;
  return async () => {
    if (!(store instanceof Problem) && !(await store.ping())) return notReady(stateUnavailable);
    signed ??= checkSigning(config);
    const reply = await signed;
    if (reply.status !== 200) signed = undefined;
    return reply;
  };
}

const stateUnavailable = new Problem('state_unavailable', 'The shared state store (STATE_STORE) cannot be reached.');

async function checkSigning(config: Config): Promise<Reply> {
  const checks: Partial<Record<Vendor | 'state', 'ok'>> = {};
  try {
    for (const vendor of config.vendors) {
      await (vendor === 'twilio' ? checkTwilio(config) : checkVonage(config));
      checks[vendor] = 'ok';
    }
    checks.state = 'ok';
    return jsonReply(200, { status: 'ready', checks });
  } catch (error) {
    return notReady(asProblem(error));
  }
}

/** The body's status says 503 too, as RFC 9457 requires of a problem answered with another status. */
function notReady(problem: Problem): Reply {
  return problemReply(problem, {}, 503);
}

/**
 * An HMAC verified with the key that just made it cannot fail, so minting is the whole check here;
 * the mint is synchronous and queues for nothing.
 */
async function checkTwilio(config: Config): Promise<void> {
  const twilio = use(config.twilio);
  const [{ mintTwilioToken }, { availableGrants }] = await Promise.all([import('./twilio/mint'), import('./twilio/grants')]);
  mintTwilioToken(twilio, { identity: probeIdentity, ttl: minTtl, grants: availableGrants(twilio) });
}

/** RS256's signature scheme (RSASSA-PKCS1-v1_5 with SHA-256), verified with the public half as Vonage will. */
function checkVonage(config: Config): void {
  const { privateKey, publicKey } = use(config.vonage);
  if (!signsVerifiably(privateKey, publicKey)) throw invalidConfig('VONAGE_PRIVATE_KEY', 'a key that signs verifiable tokens');
}

function signsVerifiably(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const probe = Buffer.from(probeIdentity);
  try {
    return verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
  } catch {
    return false;
  }
}
