import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { Env, invalidConfig, isSet, readBoolean, readList, readMatching, readVar, secretSource } from '../config/env';
import { readSecretFile } from '../config/secret-file';
import { Problem } from '../problem';

/** A `host:port` a client connects to: a Sentinel, or a seed node of a cluster. */
export interface RedisEndpoint {
  host: string;
  port: number;
}

/** An ACL user (Redis 6+) and its password, or just the password (`requirepass`), or neither. */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/**
 * TLS settings; their presence turns TLS on, and nothing ever falls back to plaintext. Without
 * `ca`, Node's public CAs verify the server; without `servername`, the certificate must name the
 * address connected to.
 */
export interface RedisTls {
  /** PEM certificates that replace the public CAs: a managed service's private CA. */
  ca?: string;
  /** The name the certificate must carry (and the SNI sent), when it is not the address connected to. */
  servername?: string;
}

/** Fields every shape shares: the data nodes' credentials and TLS. */
interface TargetBase {
  auth: RedisCredentials;
  tls?: RedisTls;
}

/**
 * Which Redis deployment holds the shared state, and how to reach it: one server or a managed
 * endpoint by URL, a master found through Sentinel, or a Redis Cluster found from seed nodes.
 */
export type RedisTarget =
  | TargetBase & { shape: 'single'; url: string }
  | TargetBase & { shape: 'sentinel'; sentinels: RedisEndpoint[]; masterName: string; sentinelAuth: RedisCredentials }
  | TargetBase & { shape: 'cluster'; nodes: RedisEndpoint[] };

/** The variables that each say where Redis is; exactly one is set with `STATE_STORE=redis`. */
const shapeVariables = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/** Variables that mean something for some shapes only: set with another, they are a mistake. */
const onlyWith: Record<string, { shapes: ReadonlyArray<(typeof shapeVariables)[number]>; hint?: string }> = {
  REDIS_SENTINEL_MASTER: { shapes: ['REDIS_SENTINELS'] },
  REDIS_SENTINEL_USERNAME: { shapes: ['REDIS_SENTINELS'] },
  REDIS_SENTINEL_PASSWORD: { shapes: ['REDIS_SENTINELS'] },
  REDIS_TLS: { shapes: ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'], hint: 'with REDIS_URL, a rediss:// URL turns TLS on' },
};

/** Ports the services listen on unless told otherwise. */
const defaultSentinelPort = 26379;
const defaultNodePort = 6379;

/** Redis names (ACL users, monitored masters) are printable ASCII without spaces. */
const redisName = /^[!-~]{1,128}$/;
/** A DNS name, as SNI carries it (RFC 6066 allows no IP address there). */
const dnsName = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Reads where Redis is for `STATE_STORE=redis`: exactly one of `REDIS_URL` (`redis://` or
 * `rediss://`, a password in it welcome), `REDIS_SENTINELS` (with `REDIS_SENTINEL_MASTER`) or
 * `REDIS_CLUSTER_NODES`; the data nodes' `REDIS_USERNAME` and `REDIS_PASSWORD`, Sentinel's own
 * `REDIS_SENTINEL_USERNAME` and `REDIS_SENTINEL_PASSWORD`; TLS from a `rediss://` URL or
 * `REDIS_TLS`, with `REDIS_CA_FILE` and `REDIS_TLS_SERVERNAME`. Problems name variables, never
 * their values: URLs and passwords are secrets.
 *
 * @example readRedisTarget({ REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b', REDIS_SENTINEL_MASTER: 'tokens' })
 * // { shape: 'sentinel', sentinels: [{ host: 'sentinel-a', port: 26379 }, { host: 'sentinel-b', port: 26379 }],
 * //   masterName: 'tokens', auth: {}, sentinelAuth: {} }
 */
export function readRedisTarget(env: Env): RedisTarget {
  const given = shapeVariables.filter((name) => isSet(env, name));
  if (given.length === 0) {
    throw new Problem('config_missing', `Set one of ${shapeVariables.join(', ')} for STATE_STORE=redis.`);
  }
  if (given.length > 1) throw new Problem('config_invalid', `Set only one of ${given.map((name) => secretSource(env, name)).join(', ')}.`);
  const [shape] = given;
  for (const [name, { shapes, hint }] of Object.entries(onlyWith)) {
    if (isSet(env, name) && !shapes.includes(shape)) {
      throw new Problem('config_invalid', `${secretSource(env, name)} is only for ${shapes.join(' and ')}${hint === undefined ? '' : `; ${hint}`}.`);
    }
  }
  const auth = readCredentials(env, 'REDIS_USERNAME', 'REDIS_PASSWORD');
  if (shape === 'REDIS_URL') return readUrlTarget(env, auth);
  const tls = readBoolean(env, 'REDIS_TLS', false) ? readTls(env) : refuseTlsSettings(env, 'REDIS_TLS=true');
  const base = tls === undefined ? { auth } : { auth, tls };
  if (shape === 'REDIS_CLUSTER_NODES') {
    return { shape: 'cluster', nodes: readEndpoints(env, 'REDIS_CLUSTER_NODES', defaultNodePort), ...base };
  }
  const masterName = readMatching(env, 'REDIS_SENTINEL_MASTER', redisName, 'a master name (printable characters, no spaces)');
  if (masterName === undefined) throw new Problem('config_missing', 'Set REDIS_SENTINEL_MASTER (the master\'s name in Sentinel) with REDIS_SENTINELS.');
  return {
    shape: 'sentinel',
    sentinels: readEndpoints(env, 'REDIS_SENTINELS', defaultSentinelPort),
    masterName,
    sentinelAuth: readCredentials(env, 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'),
    ...base,
  };
}

function readUrlTarget(env: Env, auth: RedisCredentials): RedisTarget {
  const url = readVar(env, 'REDIS_URL')!;
  const urlVar = secretSource(env, 'REDIS_URL');
  const parsed = parseRedisUrl(url);
  if (parsed === undefined) throw invalidConfig(urlVar, 'a redis:// or rediss:// URL');
  // Two passwords (or users) for one server: which one is meant cannot be guessed.
  if (parsed.password !== '' && auth.password !== undefined) {
    throw new Problem('config_invalid', `Set the password in only one of ${urlVar}, ${secretSource(env, 'REDIS_PASSWORD')}.`);
  }
  if (parsed.username !== '' && auth.username !== undefined) throw new Problem('config_invalid', `Set the user in only one of ${urlVar}, REDIS_USERNAME.`);
  const tls = parsed.protocol === 'rediss:' ? readTls(env) : refuseTlsSettings(env, 'a rediss:// REDIS_URL');
  return tls === undefined ? { shape: 'single', url, auth } : { shape: 'single', url, auth, tls };
}

function parseRedisUrl(value: string): URL | undefined {
  if (!/^rediss?:\/\//.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.hostname === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

function readTls(env: Env): RedisTls {
  const caFile = readVar(env, 'REDIS_CA_FILE');
  const servername = readMatching(env, 'REDIS_TLS_SERVERNAME', dnsName, 'a DNS name');
  if (servername !== undefined && isIP(servername) !== 0) throw invalidConfig('REDIS_TLS_SERVERNAME', 'a DNS name');
  return {
    ...(caFile === undefined ? {} : { ca: readCaFile(caFile) }),
    ...(servername === undefined ? {} : { servername }),
  };
}

/** TLS settings without TLS would be silently ignored, and the connection left in plaintext. */
function refuseTlsSettings(env: Env, needed: string): undefined {
  for (const name of ['REDIS_CA_FILE', 'REDIS_TLS_SERVERNAME']) {
    if (readVar(env, name) !== undefined) throw new Problem('config_invalid', `${name} needs TLS: ${needed}.`);
  }
  return undefined;
}

/** PEM certificates, one or more (a CA being rotated comes as two), each of which must parse. */
function readCaFile(path: string): string {
  const text = readSecretFile(path, 'REDIS_CA_FILE');
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0 || !certificates.every(isCertificate)) throw invalidConfig('REDIS_CA_FILE', 'a file of PEM certificates');
  return certificates.join('\n');
}

function isCertificate(pem: string): boolean {
  try {
    return new X509Certificate(pem).subject !== undefined;
  } catch {
    return false;
  }
}

function readCredentials(env: Env, usernameVar: string, passwordVar: string): RedisCredentials {
  const username = readMatching(env, usernameVar, redisName, 'a user name (printable characters, no spaces)');
  const password = readVar(env, passwordVar);
  return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

/** `host[:port]` entries, comma-separated; IPv6 addresses in brackets (`[fd00::1]:6379`). */
function readEndpoints(env: Env, name: string, defaultPort: number): RedisEndpoint[] {
  const endpoints = (readList(env, name) ?? []).map((entry) => parseEndpoint(entry, defaultPort));
  if (endpoints.length === 0 || endpoints.some((endpoint) => endpoint === undefined)) {
    throw invalidConfig(name, 'a comma-separated list of host:port');
  }
  return endpoints as RedisEndpoint[];
}

function parseEndpoint(entry: string, defaultPort: number): RedisEndpoint | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(entry);
  if (match === null) return undefined;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2], port };
}
