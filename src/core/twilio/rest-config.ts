import { Env, invalidConfig, readVar } from '../config/env';
import { isTwilioRegion, TwilioRegion, twilioRegions } from './regions';
import { roomTypes, RoomType } from './rooms';

/** How rooms are created and where the REST calls go, beyond the credentials. */
export interface TwilioRestSettings {
  /** Type of the rooms this service creates; Twilio's default and recommendation is `group`. */
  roomType: RoomType;
  region?: TwilioRegion;
  videoBaseUrl?: string;
  conversationsBaseUrl?: string;
}

export const twilioRestVariables = [
  'TWILIO_ROOM_TYPE', 'TWILIO_REGION', 'TWILIO_VIDEO_BASE_URL', 'TWILIO_CONVERSATIONS_BASE_URL',
] as const;

/**
 * Reads the room type, Region and base URL overrides. The overrides point the REST calls at a
 * stand-in (tests, staging): https, or http to a loopback host only, since the API secret travels
 * in every request.
 *
 * @example readTwilioRestSettings({ TWILIO_REGION: 'ie1' }) // { roomType: 'group', region: 'ie1' }
 */
export function readTwilioRestSettings(env: Env): TwilioRestSettings {
  return {
    roomType: readRoomType(env),
    region: readRegion(env),
    videoBaseUrl: readBaseUrl(env, 'TWILIO_VIDEO_BASE_URL'),
    conversationsBaseUrl: readBaseUrl(env, 'TWILIO_CONVERSATIONS_BASE_URL'),
  };
}

function readRoomType(env: Env): RoomType {
  const value = readVar(env, 'TWILIO_ROOM_TYPE')?.toLowerCase();
  if (value === undefined) return 'group';
  const roomType = roomTypes.find((type) => type === value);
  if (roomType === undefined) throw invalidConfig('TWILIO_ROOM_TYPE', `one of ${roomTypes.join(', ')}`);
  return roomType;
}

function readRegion(env: Env): TwilioRegion | undefined {
  const value = readVar(env, 'TWILIO_REGION')?.toLowerCase();
  if (value === undefined) return undefined;
  if (!isTwilioRegion(value)) throw invalidConfig('TWILIO_REGION', `a Twilio Region (${twilioRegions.join(', ')})`);
  return value;
}

const baseUrlText = 'an https URL without credentials, query or fragment (http only to a loopback host)';

function readBaseUrl(env: Env, name: string): string | undefined {
  const value = readVar(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidConfig(name, baseUrlText);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (!secure || url.username || url.password || url.search || url.hash) throw invalidConfig(name, baseUrlText);
  return url.href.replace(/\/+$/, '');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
