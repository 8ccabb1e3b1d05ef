import { createSecretKey, KeyObject } from 'node:crypto';
import {
  Env, invalidConfig, readBoolean, readMatching, readSeconds, readVar, requireVars, secretSource,
} from '../config/env';
import { TtlPolicy, minTtl } from '../request/ttl';
import { PushCredentials, pushCredentialVariables, readPushCredentials } from './push';
import type { TwilioRegion } from './regions';
import type { TwilioRestOptions } from './rest';
import { readTwilioRestSettings, twilioRestVariables } from './rest-config';
import { sidPattern, sidText } from './sid';
import type { RoomType } from './rooms';

/** One deadline per REST call: a token request waits on Twilio at most this long per step. */
const restTimeoutMs = 5_000;

/** Twilio's maximum Access Token lifetime: 24 hours. */
export const twilioMaxTtl = 86400;

/** What `/token` needs to mint. */
export interface TwilioConfig {
  accountSid: string;
  apiKey: string;
  /**
   * The API secret as an HMAC KeyObject. jsonwebtoken re-imports a string secret on every
   * signature (~300 µs here); with a KeyObject a whole token costs ~7 µs.
   */
  signingKey: KeyObject;
  /** Conversations (Chat) service and its push credentials; when absent the chat grant is unavailable. */
  chat?: { serviceSid: string; push: PushCredentials };
  /** Voice settings; when absent the voice grant is unavailable. */
  voice?: { outgoingApplicationSid: string; incomingAllow: boolean; push: PushCredentials };
  /** Sync service; when absent the sync grant is unavailable. */
  syncServiceSid?: string;
  ttl: TtlPolicy;
  /** `TWILIO_REGION`: the Region of the API key, put in every token (`twr`) and used for REST calls. */
  region?: TwilioRegion;
  /** `TWILIO_ROOM_TYPE`: the type of the rooms `create_room` creates. */
  roomType: RoomType;
  /** What the REST client for rooms and conversations needs; the client itself loads on first use. */
  rest: TwilioRestOptions;
}


/** Every variable `/token` reads: setting any of them means this deployment serves Twilio tokens. */
export const twilioVariables = [
  'ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'CHAT_SERVICE_SID', 'SERVICE_SID', 'OUTGOING_SID',
  'VOICE_INCOMING_ALLOW', ...pushCredentialVariables('VOICE_PUSH_CREDENTIAL_SID'),
  ...pushCredentialVariables('CHAT_PUSH_CREDENTIAL_SID'), 'SYNC_SERVICE_SID', 'TOKEN_TTL', 'TOKEN_MAX_TTL',
  ...twilioRestVariables,
] as const;

/**
 * Reads and validates the Twilio configuration. Missing credentials are reported together;
 * malformed ones by name. Values never appear in a message.
 *
 * @example readTwilioConfig({ ACCOUNT_SID: 'AC…', API_KEY: 'SK…', API_SECRET: '…' }).ttl.defaultTtl // 3600
 */
export function readTwilioConfig(env: Env): TwilioConfig {
  const required = requireVars(env, ['ACCOUNT_SID', 'API_KEY', 'API_SECRET']);
  if (!sidPattern('AC').test(required.ACCOUNT_SID)) throw invalidConfig('ACCOUNT_SID', sidText('AC', 'an Account SID'));
  if (!sidPattern('SK').test(required.API_KEY)) throw invalidConfig('API_KEY', sidText('SK', 'an API Key SID'));
  if (/\s/.test(required.API_SECRET)) throw invalidConfig(secretSource(env, 'API_SECRET'), 'an API Key secret');

  const outgoingApplicationSid = readMatching(env, 'OUTGOING_SID', sidPattern('AP'), sidText('AP', 'a TwiML App SID'));
  const incomingAllow = readBoolean(env, 'VOICE_INCOMING_ALLOW', true);
  const voicePush = readPushCredentials(env, 'VOICE_PUSH_CREDENTIAL_SID');
  const chatPush = readPushCredentials(env, 'CHAT_PUSH_CREDENTIAL_SID');
  const chatServiceSid = readChatServiceSid(env);
  const maxTtl = readSeconds(env, 'TOKEN_MAX_TTL', twilioMaxTtl, minTtl, twilioMaxTtl);
  const defaultTtl = readSeconds(env, 'TOKEN_TTL', Math.min(3600, maxTtl), minTtl, maxTtl);
  const { roomType, region, videoBaseUrl, conversationsBaseUrl } = readTwilioRestSettings(env);

  return {
    accountSid: required.ACCOUNT_SID,
    apiKey: required.API_KEY,
    signingKey: createSecretKey(Buffer.from(required.API_SECRET, 'utf8')),
    chat: chatServiceSid ? { serviceSid: chatServiceSid, push: chatPush } : undefined,
    voice: outgoingApplicationSid ? { outgoingApplicationSid, incomingAllow, push: voicePush } : undefined,
    syncServiceSid: readMatching(env, 'SYNC_SERVICE_SID', sidPattern('IS'), sidText('IS', 'a Sync Service SID')),
    ttl: { defaultTtl, maxTtl },
    region,
    roomType,
    rest: {
      accountSid: required.ACCOUNT_SID, apiKey: required.API_KEY, apiSecret: required.API_SECRET,
      region, videoBaseUrl, conversationsBaseUrl, timeoutMs: restTimeoutMs,
    },
  };
}

/**
 * The Conversations service. `SERVICE_SID` is the tutorial's name, but deployed Twilio Functions
 * also put their own Serverless Service SID (ZS…) in `context.SERVICE_SID`; that one is not a
 * Conversations service and is ignored. `CHAT_SERVICE_SID` sidesteps the clash and wins.
 */
function readChatServiceSid(env: Env): string | undefined {
  const explicit = readMatching(env, 'CHAT_SERVICE_SID', sidPattern('IS'), sidText('IS', 'a Conversations Service SID'));
  if (explicit) return explicit;
  const tutorial = readVar(env, 'SERVICE_SID');
  if (tutorial === undefined || sidPattern('ZS').test(tutorial)) return undefined;
  if (!sidPattern('IS').test(tutorial)) throw invalidConfig('SERVICE_SID', sidText('IS', 'a Conversations Service SID'));
  return tutorial;
}
