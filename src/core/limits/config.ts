import { Env, invalidConfig, readVar } from '../config/env';

/** The abuse limits; 0 turns a limit off. */
export interface LimitsConfig {
  /** Tokens per identity per minute, across /token and /vonage-token (`RATE_LIMIT_IDENTITY`). */
  identityPerMinute: number;
  /** Requests per client address per minute (`RATE_LIMIT_IP`). */
  ipPerMinute: number;
  /** Failed authentications per client address per 15 minutes (`RATE_LIMIT_AUTH_FAILURES`): stops passcode guessing. */
  authFailuresPer15Min: number;
  /**
   * Requests that create something upstream (a Twilio room or Conversation, a Vonage Video session
   * or user) per client address (`RATE_LIMIT_CREATE_IP`) and per identity
   * (`RATE_LIMIT_CREATE_IDENTITY`) per minute: each costs vendor calls and a day-long mapping.
   */
  createIpPerMinute: number;
  createIdentityPerMinute: number;
  /** How many proxies in front of the service append to X-Forwarded-For (`TRUST_PROXY`); 0 trusts none. */
  trustProxy: number;
}

/** The variables {@link readLimitsConfig} reads, for memoising loaders. */
export const limitsVariables = [
  'RATE_LIMIT_IDENTITY', 'RATE_LIMIT_IP', 'RATE_LIMIT_AUTH_FAILURES', 'RATE_LIMIT_CREATE_IP', 'RATE_LIMIT_CREATE_IDENTITY', 'TRUST_PROXY',
] as const;

/** Far above any sensible limit, low enough that a typo with extra digits is caught. */
const maxLimit = 1_000_000;
/** More proxies than any real chain; a larger number is a mistake, not a topology. */
const maxProxyHops = 10;

/**
 * Reads the limits, with defaults a real deployment can keep: 30 tokens per identity and 120
 * requests per address each minute, 10 failed authentications per address per 15 minutes, 20
 * creations per address and 10 per identity each minute, and no trusted proxy.
 *
 * The creation defaults: nobody starts 10 new meetings a minute, and an address that creates 20 a
 * minute for a day leaves at most 28,800 room mappings (they live 24 h) in the in-process store,
 * well under its 100,000 keys, where the general 120 would allow 172,800. Joining a room that is
 * already there creates nothing and is not counted.
 *
 * @example readLimitsConfig({ RATE_LIMIT_IP: '0', TRUST_PROXY: '1' })
 * // { identityPerMinute: 30, ipPerMinute: 0, authFailuresPer15Min: 10, createIpPerMinute: 20, createIdentityPerMinute: 10, trustProxy: 1 }
 */
export function readLimitsConfig(env: Env): LimitsConfig {
  return {
    identityPerMinute: readWholeNumber(env, 'RATE_LIMIT_IDENTITY', 30, maxLimit, '(0 turns the limit off)'),
    ipPerMinute: readWholeNumber(env, 'RATE_LIMIT_IP', 120, maxLimit, '(0 turns the limit off)'),
    authFailuresPer15Min: readWholeNumber(env, 'RATE_LIMIT_AUTH_FAILURES', 10, maxLimit, '(0 turns the limit off)'),
    createIpPerMinute: readWholeNumber(env, 'RATE_LIMIT_CREATE_IP', 20, maxLimit, '(0 turns the limit off)'),
    createIdentityPerMinute: readWholeNumber(env, 'RATE_LIMIT_CREATE_IDENTITY', 10, maxLimit, '(0 turns the limit off)'),
    trustProxy: readWholeNumber(env, 'TRUST_PROXY', 0, maxProxyHops, '(the number of proxy hops to trust)'),
  };
}

function readWholeNumber(env: Env, name: string, fallback: number, max: number, meaning: string): number {
  const value = readVar(env, name);
  if (value === undefined) return fallback;
  const number = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(number <= max)) throw invalidConfig(name, `a whole number from 0 to ${max} ${meaning}`);
  return number;
}
