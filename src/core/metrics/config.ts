import { Env, invalidConfig, readVar, secretSource } from '../config/env';

/** Whether the Node host serves `/metrics`, and the bearer token a scraper must send. */
export interface MetricsConfig {
  /** `METRICS_TOKEN`; unset, `/metrics` is not served at all. */
  token?: string;
}

/**
 * Long enough that guessing it is hopeless (16 characters of `openssl rand -hex 32`'s 64 carry 64
 * bits); visible ASCII only, since it travels as a bearer token in a header.
 */
const tokenPattern = /^[\x21-\x7e]{16,1024}$/;

/**
 * Reads `METRICS_TOKEN` (or `METRICS_TOKEN_FILE`), which turns the Node host's `/metrics` on.
 *
 * @example readMetricsConfig({ METRICS_TOKEN: 'c2f1…' }) // { token: 'c2f1…' }
 */
export function readMetricsConfig(env: Env): MetricsConfig {
  const token = readVar(env, 'METRICS_TOKEN');
  if (token === undefined) return {};
  if (!tokenPattern.test(token)) {
    throw invalidConfig(secretSource(env, 'METRICS_TOKEN'), '16 to 1024 visible ASCII characters, such as the output of openssl rand -hex 32');
  }
  return { token };
}
