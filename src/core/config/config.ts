import { AuthConfig, readAuthConfig } from '../auth/config';
import { readUpstreamBudget } from '../deadline';
import { OriginPolicy, readOriginPolicy } from '../cors';
import { LimitsConfig, readLimitsConfig } from '../limits/config';
import { MetricsConfig, readMetricsConfig } from '../metrics/config';
import { readStateConfig, StateConfig } from '../state/config';
import { asProblem, Problem } from '../problem';
import { readTwilioConfig, TwilioConfig, twilioVariables } from '../twilio/config';
import { readVonageConfig, vonageConfigured, VonageConfig, vonageVariables } from '../vonage/config';
import { ReadAsset } from '../vonage/private-key';
import { demoVariables } from './demo';
import { Env, isSet } from './env';

export type { ReadAsset };
export type Vendor = 'twilio' | 'vonage';

/**
 * One part of the configuration: its validated value, or the problem every request that needs it
 * answers. A part is settled at load time, so a broken one is never re-parsed per request.
 */
export type Part<T> = T | Problem;

/** Everything the core reads from the environment, validated once. */
export interface Config {
  readonly cors: Part<OriginPolicy>;
  readonly auth: Part<AuthConfig>;
  /** Where the state every replica shares lives: `STATE_STORE`. */
  readonly state: Part<StateConfig>;
  /** Abuse limits, and how many proxies' `X-Forwarded-For` entries to trust: `RATE_LIMIT_*`, `TRUST_PROXY`. */
  readonly limits: Part<LimitsConfig>;
  /** Whether the Node host serves `/metrics`, and to whom: `METRICS_TOKEN`. */
  readonly metrics: Part<MetricsConfig>;
  /** `UPSTREAM_BUDGET_MS`: the time one token request may spend on vendor REST calls in all. */
  readonly upstreamBudgetMs: Part<number>;
  readonly twilio: Part<TwilioConfig>;
  readonly vonage: Part<VonageConfig>;
  /** The vendors this deployment is set up for: any of their variables set (or the Vonage key as a private asset). */
  readonly vendors: readonly Vendor[];
  /**
   * The vendors among `vendors` running on the demo credentials `npm start` makes (see `demo.ts`):
   * Twilio and Vonage reject every token signed with them.
   */
  readonly demo: readonly Vendor[];
}

/** Each vendor's variables, for telling which ones a deployment sets up and which run on demo values. */
const vendorVariables: Readonly<Record<Vendor, readonly string[]>> = { twilio: twilioVariables, vonage: vonageVariables };

/**
 * Reads and validates every variable once, into one frozen Config: per warm container on Twilio,
 * at start-up on the Node host. It never throws: a part that cannot load holds its problem, so a
 * Function still answers it as problem+json and a host can refuse to start on it.
 *
 * @example loadConfig({ ACCOUNT_SID: 'AC…', API_KEY: 'SK…', API_SECRET: '…' }).vendors // ['twilio']
 */
export function loadConfig(env: Env, readAsset: ReadAsset = () => undefined): Config {
  const vonage = settle(() => readVonageConfig(env, readAsset));
  const vendors: Vendor[] = [];
  if (vendorVariables.twilio.some((name) => isSet(env, name))) vendors.push('twilio');
  if (vonageConfigured(env, readAsset)) vendors.push('vonage');
  return Object.freeze({
    cors: settle(() => readOriginPolicy(env)),
    auth: settle(() => readAuthConfig(env, vonage)),
    state: settle(() => readStateConfig(env)),
    limits: settle(() => readLimitsConfig(env)),
    metrics: settle(() => readMetricsConfig(env)),
    upstreamBudgetMs: settle(() => readUpstreamBudget(env)),
    twilio: settle(() => readTwilioConfig(env)),
    vonage,
    vendors: Object.freeze(vendors),
    demo: Object.freeze(vendors.filter((vendor) => demoVariables(env, vendorVariables[vendor]).length > 0)),
  });
}

/**
 * A part's value, or its problem thrown: the one way the core reads configuration.
 *
 * @example const twilio = use(config.twilio);
 */
export function use<T>(part: Part<T>): T {
  if (part instanceof Problem) throw part;
  return part;
}

/**
 * What keeps a configuration from serving: a broken ALLOWED_ORIGINS, AUTH_*, STATE_* or limit
 * breaks every endpoint, a broken UPSTREAM_BUDGET_MS every endpoint that calls a vendor's REST API, a
 * broken METRICS_TOKEN the Node host's `/metrics`, and a vendor that is
 * set up but broken its own endpoint. A vendor nobody set up is not a problem here; its endpoint
 * answers `config_missing`.
 */
export function configProblems(config: Config): Problem[] {
  const shared = [config.cors, config.auth, config.state, config.limits, config.metrics, config.upstreamBudgetMs];
  const parts: Array<Part<unknown>> = [...shared, ...config.vendors.map((vendor) => config[vendor])];
  return parts.filter((part): part is Problem => part instanceof Problem);
}

function settle<T>(read: () => T): Part<T> {
  try {
    return read();
  } catch (error) {
    return asProblem(error);
  }
}
