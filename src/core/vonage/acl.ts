import type { ACL, ACLRule } from '@vonage/jwt';
import { Env, invalidConfig, readVar } from '../config/env';

export type VonageAcl = ACL;

/** The server's ACL policy and the name a grants claim uses for it: the preset's, or `custom`. */
export interface AclPolicy {
  name: string;
  acl: VonageAcl;
}

/**
 * What each Client SDK ACL path lets a user do, per Vonage's Client SDK documentation:
 * - `users`: read and update their own user; `conversations`: create, join and post events;
 * - `sessions`: open the SDK's session; `devices`: register for push;
 * - `image`, `media`: upload and fetch images and media in messages;
 * - `applications`: the application's push settings; `push`: receive push notifications;
 * - `knocking`, `legs`: place and control calls (without `knocking`, calls to phones fail with a
 *   permission error).
 */
const clientSdkPaths = [
  '/*/users/**', '/*/conversations/**', '/*/sessions/**', '/*/devices/**', '/*/image/**',
  '/*/media/**', '/*/applications/**', '/*/push/**', '/*/knocking/**', '/*/legs/**',
];

/**
 * Named policies for `VONAGE_ACL`:
 * - `client-sdk` (default): everything the Client SDK documents: in-app voice and messaging.
 * - `voice`: calls only; no image or media uploads, so a voice-only app cannot be used to host files.
 * - `messaging`: conversations, images and media; no `knocking` or `legs`, so no calls to phones.
 */
export const aclPresets: Readonly<Record<string, readonly string[]>> = {
  'client-sdk': clientSdkPaths,
  voice: clientSdkPaths.filter((path) => !['/*/image/**', '/*/media/**'].includes(path)),
  messaging: clientSdkPaths.filter((path) => !['/*/knocking/**', '/*/legs/**'].includes(path)),
};

const methods = new Set(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']);
const expected = `one of ${Object.keys(aclPresets).join(', ')}, or a JSON object of ACL paths`;

/**
 * The server's ACL for client tokens, from `VONAGE_ACL`: a preset name or a JSON object of paths
 * (`{"paths": {...}}` as @vonage/jwt types it, or the bare paths object), each path mapping to a
 * rule with optional `methods` and `filters`.
 *
 * @example readAclPolicy({ VONAGE_ACL: 'messaging' }).acl.paths['/*\/conversations/**'] // {}
 */
export function readAclPolicy(env: Env): AclPolicy {
  const value = readVar(env, 'VONAGE_ACL') ?? 'client-sdk';
  // An own property only: `__proto__` or `constructor` would otherwise find Object's.
  const preset = Object.hasOwn(aclPresets, value) ? aclPresets[value] : undefined;
  if (preset) return { name: value, acl: { paths: Object.fromEntries(preset.map((path) => [path, {}])) } };
  const paths = parseAclPaths(value);
  if (paths === undefined) throw invalidConfig('VONAGE_ACL', expected);
  return { name: 'custom', acl: { paths } };
}

function parseAclPaths(value: string): Record<string, ACLRule> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const paths = isObject(parsed) && isObject(parsed.paths) ? parsed.paths : parsed;
  if (!isObject(paths)) return undefined;
  const entries = Object.entries(paths);
  const valid = entries.length > 0 && entries.every(([path, rule]) => path.startsWith('/') && isRule(rule));
  return valid ? (paths as Record<string, ACLRule>) : undefined;
}

function isRule(rule: unknown): boolean {
  if (!isObject(rule) || !Object.keys(rule).every((key) => key === 'methods' || key === 'filters')) return false;
  const methodsOk = rule.methods === undefined
    || (Array.isArray(rule.methods) && rule.methods.every((method) => methods.has(method as string)));
  return methodsOk && (rule.filters === undefined || isObject(rule.filters));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
