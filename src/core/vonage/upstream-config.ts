import { Env, invalidConfig, readBoolean, readSeconds, readVar } from '../config/env';
import type { MediaModeName } from './sessions';

/** How `/vonage-token` uses Vonage's REST APIs: Video sessions for rooms, users for identities. */
export interface VonageUpstreamConfig {
  /** Media mode of the sessions rooms get: `routed` (Vonage's Media Router) or `relayed`. */
  mediaMode: MediaModeName;
  /** How long a room keeps its session, in seconds. */
  roomTtlSeconds: number;
  /** Whether a client token first makes sure a Vonage user named after the identity exists. */
  userProvision: boolean;
  /** @vonage/video's `videoHost` override (staging, tests); unset means Vonage's production host. */
  videoHost?: string;
  /** @vonage/users' `apiHost` override; unset means Vonage's production host. */
  apiHost?: string;
  /** The deadline of one exchange with Vonage. */
  timeoutMs: number;
}

/** Every variable this reads. */
export const vonageUpstreamVariables = [
  'VONAGE_VIDEO_MEDIA_MODE', 'VONAGE_ROOM_TTL', 'VONAGE_USER_PROVISION', 'VONAGE_VIDEO_HOST', 'VONAGE_API_HOST',
];

const mediaModes: readonly MediaModeName[] = ['routed', 'relayed'];

/** A day by default; a week at most, since a room name should not pin a meeting's session for longer. */
const defaultRoomTtl = 86400;
const maxRoomTtl = 604800;

/** Long enough for Vonage's usual answer times, short enough that a caller is not left waiting. */
const upstreamTimeoutMs = 5000;

/**
 * Reads the Vonage upstream settings.
 *
 * @example readVonageUpstreamConfig({ VONAGE_VIDEO_MEDIA_MODE: 'relayed' }).mediaMode // 'relayed'
 */
export function readVonageUpstreamConfig(env: Env): VonageUpstreamConfig {
  const mediaMode = readVar(env, 'VONAGE_VIDEO_MEDIA_MODE')?.toLowerCase() ?? 'routed';
  if (!(mediaModes as readonly string[]).includes(mediaMode)) {
    throw invalidConfig('VONAGE_VIDEO_MEDIA_MODE', mediaModes.join(' or '));
  }
  return {
    mediaMode: mediaMode as MediaModeName,
    roomTtlSeconds: readSeconds(env, 'VONAGE_ROOM_TTL', defaultRoomTtl, 60, maxRoomTtl),
    userProvision: readBoolean(env, 'VONAGE_USER_PROVISION', false),
    videoHost: readHost(env, 'VONAGE_VIDEO_HOST'),
    apiHost: readHost(env, 'VONAGE_API_HOST'),
    timeoutMs: upstreamTimeoutMs,
  };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A base URL for an SDK, which appends paths such as `/session/create` to it: https, or http on
 * loopback only (a stand-in), since the requests carry application JWTs. Without credentials, query
 * or fragment, and without a trailing slash.
 */
function readHost(env: Env, name: string): string | undefined {
  const value = readVar(env, name);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && loopbackHosts.has(url.hostname));
  if (!url || !secure || url.username || url.password || url.search || url.hash) {
    throw invalidConfig(name, 'an https URL (http only for localhost) without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
