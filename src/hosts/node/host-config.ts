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
  const port = firstVar(env, ['VCR_PORT', 'PORT']);
  return {
    port: port === undefined ? defaultPort : parsePort(port.name, port.value),
    hostname: readVar(env, 'HOST') ?? defaultHostname,
  };
}

function parsePort(name: string, value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalidConfig(name, 'a TCP port between 1 and 65535');
  return port;
}
