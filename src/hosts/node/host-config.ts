import { Env, firstVar, invalidConfig, readVar } from '../../core/config/env';

/** Where and as what the Node host serves. */
export interface HostConfig {
  port: number;
  /**
   * The public host name Functions see as `context.DOMAIN_NAME`. On Vonage Cloud Runtime it is the
   * instance's public URL, since requests reach the process through a proxy with another Host;
   * elsewhere each request's Host header.
   */
  domainName?: string;
}

const defaultPort = 3000;

/**
 * Reads the host's settings: the port from `VCR_PORT` (which Vonage Cloud Runtime injects and
 * requires), else `PORT` (most container platforms), else 3000.
 *
 * @example readHostConfig({ VCR_PORT: '8080', PORT: '3000' }).port // 8080
 */
export function readHostConfig(env: Env): HostConfig {
  const port = firstVar(env, ['VCR_PORT', 'PORT']);
  const publicUrl = readVar(env, 'VCR_INSTANCE_PUBLIC_URL');
  return {
    port: port === undefined ? defaultPort : parsePort(port.name, port.value),
    domainName: publicUrl === undefined ? undefined : hostOf(publicUrl),
  };
}

function parsePort(name: string, value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalidConfig(name, 'a TCP port between 1 and 65535');
  return port;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw invalidConfig('VCR_INSTANCE_PUBLIC_URL', 'an absolute URL');
  }
}
