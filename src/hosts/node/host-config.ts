import { isIP, isIPv4 } from 'node:net';
import { Env, firstVar, invalidConfig, readVar } from '../../core/config/env';
import { Problem } from '../../core/problem';

/** Where the Node host listens. */
export interface HostConfig {
  port: number;
  /** The address to bind: every interface by default, since platforms reach the process through their proxy. */
  hostname: string;
  /** The variable the port came from (`VCR_PORT` or `PORT`; undefined for the default), for messages. */
  portVariable?: string;
}

const defaultPort = 3000;
const defaultHostname = '0.0.0.0';

/**
 * A DNS name as RFC 1123 §2.1 writes one: letters, digits and hyphens in labels of at most 63
 * characters, 253 in all. A name whose last label is all digits is parsed as an IPv4 address
 * (WHATWG URL, RFC 3986), so `999.1.1.1` is neither.
 */
const hostName = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * Reads the host's settings: the port from `VCR_PORT` (which Vonage Cloud Runtime injects and
 * requires), else `PORT` (most container platforms), else 3000; the address from `HOST`.
 *
 * @example readHostConfig({ VCR_PORT: '8080', PORT: '3000' }).port // 8080
 */
export function readHostConfig(env: Env): HostConfig {
  return {
    port: readPort(env, 'VCR_PORT', 'PORT'),
    hostname: readHost(env, defaultHostname),
    portVariable: firstVar(env, ['VCR_PORT', 'PORT'])?.name,
  };
}

/**
 * The address in `HOST`, an IP address or a host name, else `fallback`.
 *
 * @example readHost({ HOST: '127.0.0.1' }, '0.0.0.0') // '127.0.0.1'
 */
export function readHost(env: Env, fallback: string): string {
  const host = readVar(env, 'HOST');
  if (host === undefined) return fallback;
  if (!isIP(host) && !isHostName(host)) throw invalidConfig('HOST', 'an IP address or a host name');
  return host;
}

function isHostName(value: string): boolean {
  const last = value.replace(/\.$/, '').split('.').pop()!;
  return hostName.test(value) && (!/^\d+$/.test(last) || isIPv4(value));
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

/** What `listen`'s error says is wrong: the address HOST names, or the port. */
const listenFailures: Readonly<Record<string, [variable: 'HOST' | 'port', expected: string]>> = {
  ENOTFOUND: ['HOST', 'a name that resolves'],
  EAI_AGAIN: ['HOST', 'a name that resolves'],
  EADDRNOTAVAIL: ['HOST', 'an address of this machine'],
  EADDRINUSE: ['port', 'a port that no other process listens on'],
  EACCES: ['port', 'a port this process may listen on'],
};

/**
 * The start-up problem for a server that could not listen: `config_invalid` naming the variable to
 * change and Node's error code, never the value.
 *
 * @example listenProblem(Object.assign(new Error(), { code: 'EADDRINUSE' }), { port: 80, hostname: '0.0.0.0', portVariable: 'PORT' }).message
 * // 'PORT is not a port that no other process listens on (EADDRINUSE).'
 */
export function listenProblem(error: NodeJS.ErrnoException, config: HostConfig): Problem {
  const code = typeof error.code === 'string' && /^[A-Z][A-Z0-9_]{1,30}$/.test(error.code) ? error.code : 'unknown error';
  const portVariable = config.portVariable ?? 'PORT';
  if (!Object.hasOwn(listenFailures, code)) {
    return new Problem('config_invalid', `The server cannot listen on the address and port HOST and ${portVariable} name (${code}).`);
  }
  const [variable, expected] = listenFailures[code];
  return new Problem('config_invalid', `${variable === 'port' ? portVariable : variable} is not ${expected} (${code}).`);
}
