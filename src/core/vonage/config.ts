import { KeyObject } from 'node:crypto';
import { cachedByVars, Env, firstVar, invalidConfig, missingConfig, readList, readSeconds } from '../config/env';
import { TtlPolicy, minTtl } from '../request/ttl';
import { readAclPolicy, VonageAcl } from './acl';
import { loadPrivateKey, privateKeySources, privateKeyVars } from './private-key';

/** Vonage's own default token lifetime (15 minutes) and the cap: 24 hours. */
const vonageDefaultTtl = 900;
const vonageMaxTtl = 86400;

export const videoRoles = ['subscriber', 'publisher', 'moderator'] as const;
export type VideoRole = (typeof videoRoles)[number];

/** What `/vonage-token` needs to mint, validated once per warm container. */
export interface VonageConfig {
  applicationId: string;
  /** Parsed once: @vonage/jwt re-parses the PEM on every token (~2.3 ms against ~1 ms here). */
  privateKey: KeyObject;
  /** The ACL every client token carries; callers cannot change it. */
  acl: VonageAcl;
  /** The ACL's name for grants claims: the preset's, or `custom`. */
  aclName: string;
  /** The video roles callers may ask for. */
  videoRoles: ReadonlySet<VideoRole>;
  ttl: TtlPolicy;
}

/** Ours first, then the names Vonage Cloud Runtime injects. */
const applicationIdVars = ['VONAGE_APPLICATION_ID', 'API_APPLICATION_ID', 'VCR_API_APPLICATION_ID'];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every variable `/vonage-token` reads: setting any of them means this deployment serves Vonage tokens. */
export const vonageVariables = [...applicationIdVars, ...privateKeyVars, 'VONAGE_ACL', 'VONAGE_VIDEO_ROLES', 'VONAGE_TOKEN_TTL', 'VONAGE_MAX_TTL'];

/**
 * Reads and validates the Vonage configuration.
 *
 * @example loadVonageConfig(process.env).acl.paths
 */
export const loadVonageConfig = cachedByVars(vonageVariables, (env: Env, readPrivateAsset?: (path: string) => string | undefined): VonageConfig => {
  const applicationId = firstVar(env, applicationIdVars);
  const privateKey = loadPrivateKey(env, readPrivateAsset);
  const missing = [applicationId ? [] : ['VONAGE_APPLICATION_ID'], privateKey ? [] : [privateKeySources]].flat();
  if (!applicationId || !privateKey) throw missingConfig(missing);
  if (!uuid.test(applicationId.value)) throw invalidConfig(applicationId.name, 'a Vonage application id (a UUID)');

  const maxTtl = readSeconds(env, 'VONAGE_MAX_TTL', vonageMaxTtl, minTtl, vonageMaxTtl);
  const aclPolicy = readAclPolicy(env);
  return {
    applicationId: applicationId.value.toLowerCase(),
    privateKey,
    acl: aclPolicy.acl,
    aclName: aclPolicy.name,
    videoRoles: readVideoRoles(env),
    ttl: { defaultTtl: readSeconds(env, 'VONAGE_TOKEN_TTL', Math.min(vonageDefaultTtl, maxTtl), minTtl, maxTtl), maxTtl },
  };
});

function readVideoRoles(env: Env): ReadonlySet<VideoRole> {
  const roles = readList(env, 'VONAGE_VIDEO_ROLES') ?? ['subscriber', 'publisher'];
  if (roles.length === 0 || !roles.every((role) => (videoRoles as readonly string[]).includes(role))) {
    throw invalidConfig('VONAGE_VIDEO_ROLES', `a comma-separated list of ${videoRoles.join(', ')}`);
  }
  return new Set(roles as VideoRole[]);
}
