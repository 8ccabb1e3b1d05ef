import { verifyJwt } from './auth/verify-jwt';
import { Config, configProblems, use, Vendor } from './config/config';
import { invalidConfig } from './config/env';
import { asProblem, Problem } from './problem';
import { jsonReply, problemReply, Reply } from './reply';
import { minTtl } from './request/ttl';
import { Service } from './service';

/** The identity readiness tokens are minted for; they are verified and dropped, never sent. */
const probeIdentity = 'readiness-probe';

/** A real mint-and-verify at most this often: readiness probes are unauthenticated, RSA is not free. */
const probeIntervalMs = 60_000;

const nothingConfigured = new Problem('config_missing',
  'Set ACCOUNT_SID, API_KEY and API_SECRET for /token, or VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY for /vonage-token.');

/**
 * Readiness for one running service: 503 with exactly the problem a token request would get while
 * the configuration is broken (CORS, auth, state, limits, or a vendor that is set up) or the shared
 * state cannot be reached; otherwise one token per vendor minted (and an RSA one verified), so a
 * key that parses but cannot sign is caught before traffic arrives. The mint's result is kept for
 * a minute and shared by concurrent callers, so hammering the probe costs no RSA work; the store
 * is asked every time (a ping, within its one-second deadline).
 *
 * @example const ready = createReadiness(service); (await ready()).status // 200 or 503
 */
export function createReadiness(service: Service, now: () => number = Date.now): () => Promise<Reply> {
  const { config, store } = service;
  const [broken] = configProblems(config);
  const settled = broken ?? (store instanceof Problem ? store : undefined)
    ?? (config.vendors.length === 0 ? nothingConfigured : undefined);
  if (settled !== undefined) {
    const reply = notReady(settled);
    return () => Promise.resolve(reply);
  }
  let last: { at: number; reply: Promise<Reply> } | undefined;
  return async () => {
    if (!(store instanceof Problem) && !(await store.ping())) return notReady(stateUnavailable);
    if (last === undefined || now() - last.at >= probeIntervalMs) {
      last = { at: now(), reply: probe(config) };
    }
    return last.reply;
  };
}

const stateUnavailable = new Problem('state_unavailable', 'The shared state store (STATE_STORE) cannot be reached.');

async function probe(config: Config): Promise<Reply> {
  const checks: Partial<Record<Vendor | 'state', 'ok'>> = {};
  try {
    for (const vendor of config.vendors) {
      await (vendor === 'twilio' ? probeTwilio(config) : probeVonage(config));
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
 * An HMAC verified with the key that just made it cannot fail, so minting is the whole check here
 * (and a Twilio-only deployment never loads jose, ~50 ms of start-up).
 */
async function probeTwilio(config: Config): Promise<void> {
  const twilio = use(config.twilio);
  const [{ mintTwilioToken }, { availableGrants }] = await Promise.all([import('./twilio/mint'), import('./twilio/grants')]);
  mintTwilioToken(twilio, { identity: probeIdentity, ttl: minTtl, grants: availableGrants(twilio) });
}

/** RS256 is verified with the public half, as Vonage will: the same verifier caller authentication uses. */
async function probeVonage(config: Config): Promise<void> {
  const vonage = use(config.vonage);
  const { mintVonageClientToken } = await import('./vonage/mint');
  const { token } = await mintVonageClientToken(vonage, probeIdentity, minTtl);
  try {
    await verifyJwt(token, vonage.publicKey, { algorithms: ['RS256'], clockTolerance: 0 });
  } catch {
    throw invalidConfig('VONAGE_PRIVATE_KEY', 'a key that signs verifiable tokens');
  }
}
