import { Caller } from '../auth/caller';
import { use } from '../config/config';
import type { UpstreamBudget } from '../deadline';
import { IssueRequest, Issued, isoSeconds, tokenEndpoint } from '../endpoint';
import type { Metrics } from '../metrics/metrics';
import { Problem } from '../problem';
import { validateRoomName } from '../request/identity';
import { readBooleanParam, readListParam, readParam } from '../request/params';
import { resolveTtl } from '../request/ttl';
import { Service } from '../service';
import { TwilioConfig } from './config';
import { resolveGrants, TwilioGrantName } from './grants';
import { mintTwilioToken, TwilioTokenSpec } from './mint';
import { readPlatform } from './push';

/**
 * `/token`: a Twilio Access Token for the identity in the request, with the grants this
 * deployment has configured (or the requested subset), for `ttl` seconds. With `create_room`, the
 * Video room is fetched or created first; with `create_conversation`, its Conversation too, with
 * the identity as a participant, as Twilio's reference token function (plugin-rtc) does.
 */
function issueTwilioToken(request: IssueRequest, service: Service, caller: Caller, identity: string): Issued | Promise<Issued> {
  const config = use(service.config.twilio);
  const { params } = request;
  const grants = resolveGrants(readListParam(params, 'grants', 'grant_invalid'), config, caller.allowed);
  const ttl = resolveTtl(readParam(params, 'ttl', 'ttl_invalid'), config.ttl);
  const room = readRoom(request, grants.includes('video'));
  const platform = readPlatform(params);
  const createRoom = readBooleanParam(params, 'create_room', false);
  const createConversation = readBooleanParam(params, 'create_conversation', false);
  if ((createRoom || createConversation) && room === undefined) {
    throw new Problem('param_invalid', 'create_room and create_conversation need a room (or room_name).');
  }
  const chatServiceSid = createConversation ? conversationService(config, grants) : undefined;
  const spec = { identity, ttl, grants, room, platform };
  // Only when asked: the REST client loads and Twilio is called for these requests alone.
  if (room !== undefined && (createRoom || createConversation)) {
    return prepareRoom(config, request, room, identity, chatServiceSid, service.metrics).then((joined) => {
      request.deadline.ensureClientWaiting();
      return mintFor(config, spec, joined);
    });
  }
  return mintFor(config, spec, undefined);
}

/** The token and the answer, with what preparing the room learnt. */
function mintFor(config: TwilioConfig, spec: TwilioTokenSpec, joined: Joined | undefined): Issued {
  const { identity, ttl, grants, room, platform } = spec;
  const { token, expiresAt } = mintTwilioToken(config, spec);
  return {
    kind: 'access',
    body: {
      token, identity, grants, ttl, expires_at: isoSeconds(expiresAt),
      // Twilio's reference apps read room_type; without a fetch it is the type rooms are created with.
      ...(room === undefined ? {} : { room_type: joined?.roomType ?? config.roomType }),
      ...(joined === undefined ? {} : { room_sid: joined.roomSid }),
      ...(joined?.conversationSid === undefined ? {} : { conversation_sid: joined.conversationSid }),
    },
    log: { identity, grants, ttl, room, platform, room_sid: joined?.roomSid, conversation_sid: joined?.conversationSid },
  };
}

function readRoom(request: IssueRequest, hasVideo: boolean): string | undefined {
  const room = validateRoomName(request.params.room);
  if (room !== undefined && !hasVideo) throw new Problem('param_invalid', 'room applies to the video grant, which this request does not include.');
  return room;
}

/** The Conversations service the room's Conversation lives in: the chat grant's, which the token must carry. */
function conversationService(config: TwilioConfig, grants: readonly TwilioGrantName[]): string {
  if (config.chat === undefined) {
    throw new Problem('grant_unavailable', 'create_conversation needs the chat grant, which is not configured on this deployment (the server sets SERVICE_SID).');
  }
  if (!grants.includes('chat')) throw new Problem('param_invalid', 'create_conversation needs the chat grant in this token.');
  return config.chat.serviceSid;
}

/**
 * The room, fetched by name or created; then, with a Conversations service, the Conversation whose
 * unique name is the room's SID and the identity as its participant (without that, Conversations
 * answers 50430 when the app joins the chat).
 */
interface Joined {
  roomSid: string;
  roomType: string;
  conversationSid?: string;
}

async function prepareRoom(
  config: TwilioConfig, budget: UpstreamBudget, room: string, identity: string, chatServiceSid: string | undefined, metrics: Metrics,
): Promise<Joined> {
  const { ensureRoom } = await import('./rooms');
  const { sid: roomSid, type: roomType } = await ensureRoom(config.rest, budget, room, config.roomType, metrics);
  if (chatServiceSid === undefined) return { roomSid, roomType };
  const { ensureConversation, addParticipant } = await import('./conversations');
  const conversation = await ensureConversation(config.rest, budget, chatServiceSid, roomSid, metrics);
  await addParticipant(config.rest, budget, chatServiceSid, conversation.sid, identity, metrics);
  return { roomSid, roomType, conversationSid: conversation.sid };
}

/** `user_identity` and `room_name` are the names Twilio's reference apps send. */
export const twilioTokenEndpoint = tokenEndpoint('twilio', issueTwilioToken, { user_identity: 'identity', room_name: 'room' });
