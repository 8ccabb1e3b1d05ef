import { Env, firstVar, invalidConfig, readVar } from '../../core/config/env';

/** Where the Node host listens. */
export interface HostConfig {
  port: number;
  /** The address to bind: every interface by default, since platforms reach the process through their proxy. */
  hostname: string;
}

const defaultPort = 3000;
const defaultHostname = '0.0.0.0';

/**
 * Reads the host's settings: the port from `VCR_PORT` (which Vonage Cloud Runtime injects and
 * requires), else `PORT` (most container platforms), else 3000; the address from `HOST`.
 *
 * @example readHostConfig({ VCR_PORT: '8080', PORT: '3000' }).port // 8080
 */
export function readHostConfig(env: Env): HostConfig {
  return { port: readPort(env, 'VCR_PORT', 'PORT'), hostname: readVar(env, 'HOST') ?? defaultHostname };
}

/**
 * The port in the first of `names` that is set, else 3000.
 *
 * @example readPort({ PORT: '8080' }, 'PORT') // 8080
 */
export function readPort(env: Env, ...names: string[]): number {
  const port = firstVar(env, names);
  if (port === undefined) return defaultPort;
  const number = /^\d{1,5}$/.test(port.value) ? Number(port.value) : NaN;
  if (!(number >= 1 && number <= 65535)) throw invalidConfig(port.name, 'a TCP port between 1 and 65535');
  return number;
}
