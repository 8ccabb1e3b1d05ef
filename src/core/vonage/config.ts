import { createPublicKey, KeyObject } from 'node:crypto';
import { Env, firstVar, invalidConfig, isSet, missingConfig, readList, readSeconds, readVar } from '../config/env';
import { ConcurrencyLimit } from '../overload';
import { TtlPolicy, minTtl } from '../request/ttl';
import { readAclPolicy, VonageAcl } from './acl';
import { defaultPrivateKeyAsset, loadPrivateKey, privateKeySources, privateKeyVars, ReadAsset } from './private-key';
import { readVonageUpstreamConfig, VonageUpstreamConfig, vonageUpstreamVariables } from './upstream-config';

/** Vonage's own default token lifetime (15 minutes) and the cap: 24 hours. */
const vonageDefaultTtl = 900;
export const vonageMaxTtl = 86400;

/** libuv's default thread pool size: Node runs asynchronous RSA signatures there. */
const defaultThreadPoolSize = 4;
/** Waiting signatures per slot before `/vonage-token` sheds load: about a millisecond of RSA work. */
const queuedPerSlot = 4;

export const videoRoles = ['subscriber', 'publisher', 'moderator'] as const;
export type VideoRole = (typeof videoRoles)[number];

/** What `/vonage-token` needs to mint. */
export interface VonageConfig {
  applicationId: string;
  /** Parsed once: @vonage/jwt re-parses the PEM on every token (~2.3 ms against ~1 ms here). */
  privateKey: KeyObject;
  /** The public half, for verifying tokens signed with the application key (`AUTH_MODE=vonage`, readiness). */
  publicKey: KeyObject;
  /** The ACL every client token carries; callers cannot change it. */
  acl: VonageAcl;
  /** The ACL's name for grants claims: the preset's, or `custom`. */
  aclName: string;
  /** The video roles callers may ask for. */
  videoRoles: ReadonlySet<VideoRole>;
  ttl: TtlPolicy;
  /** Bounds concurrent RSA signatures to the thread pool's size, plus a short queue. */
  signing: ConcurrencyLimit;
  /** Video sessions for rooms and Client SDK users: media mode, how long rooms last, hosts, deadline. */
  upstream: VonageUpstreamConfig;
}

/** Ours first, then the names Vonage Cloud Runtime injects. */
const applicationIdVars = ['VONAGE_APPLICATION_ID', 'API_APPLICATION_ID', 'VCR_API_APPLICATION_ID'];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every variable `/vonage-token` reads: setting any of them means this deployment serves Vonage tokens. */
export const vonageVariables = [
  ...applicationIdVars, ...privateKeyVars, 'VONAGE_ACL', 'VONAGE_VIDEO_ROLES', 'VONAGE_TOKEN_TTL', 'VONAGE_MAX_TTL', ...vonageUpstreamVariables,
];

/** Whether any Vonage variable is set, or the key is present as a private asset. */
export function vonageConfigured(env: Env, readAsset: ReadAsset): boolean {
  if (vonageVariables.some((name) => isSet(env, name))) return true;
  return readAsset(readVar(env, 'VONAGE_PRIVATE_KEY_ASSET') ?? defaultPrivateKeyAsset) !== undefined;
}

/**
 * Reads and validates the Vonage configuration.
 *
 * @example readVonageConfig(process.env, () => undefined).acl.paths
 */
export function readVonageConfig(env: Env, readAsset: ReadAsset): VonageConfig {
  const applicationId = firstVar(env, applicationIdVars);
  const privateKey = loadPrivateKey(env, readAsset);
  const missing = [applicationId ? [] : ['VONAGE_APPLICATION_ID'], privateKey ? [] : [privateKeySources]].flat();
  if (!applicationId || !privateKey) throw missingConfig(missing);
  if (!uuid.test(applicationId.value)) throw invalidConfig(applicationId.name, 'a Vonage application id (a UUID)');

  const maxTtl = readSeconds(env, 'VONAGE_MAX_TTL', vonageMaxTtl, minTtl, vonageMaxTtl);
  const aclPolicy = readAclPolicy(env);
  const slots = readThreadPoolSize(env);
  return {
    applicationId: applicationId.value.toLowerCase(),
    privateKey,
    publicKey: createPublicKey(privateKey),
    acl: aclPolicy.acl,
    aclName: aclPolicy.name,
    videoRoles: readVideoRoles(env),
    ttl: { defaultTtl: readSeconds(env, 'VONAGE_TOKEN_TTL', Math.min(vonageDefaultTtl, maxTtl), minTtl, maxTtl), maxTtl },
    signing: new ConcurrencyLimit(slots, slots * queuedPerSlot),
    upstream: readVonageUpstreamConfig(env),
  };
}

/** Node reads UV_THREADPOOL_SIZE itself at start-up; signing slots follow it. */
function readThreadPoolSize(env: Env): number {
  const value = readVar(env, 'UV_THREADPOOL_SIZE');
  if (value === undefined) return defaultThreadPoolSize;
  const size = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= 1024)) throw invalidConfig('UV_THREADPOOL_SIZE', 'a whole number between 1 and 1024');
  return size;
}

function readVideoRoles(env: Env): ReadonlySet<VideoRole> {
  const roles = readList(env, 'VONAGE_VIDEO_ROLES') ?? ['subscriber', 'publisher'];
  if (roles.length === 0 || !roles.every((role) => (videoRoles as readonly string[]).includes(role))) {
    throw invalidConfig('VONAGE_VIDEO_ROLES', `a comma-separated list of ${videoRoles.join(', ')}`);
  }
  return new Set(roles as VideoRole[]);
}
