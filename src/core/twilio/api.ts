import type { EndpointSpec, JsonSchema } from '../openapi/spec';
import { text } from '../openapi/spec';
import { identityParam, passcodeParam, ttlParam } from '../request/api';
import { roomRule } from '../request/identity';
import { twilioMaxTtl } from './config';
import { twilioGrantNames } from './grants';
import { platforms } from './push';
import { roomTypes } from './rooms';

const flag = (description: string) => ({
  text: { type: 'boolean' }, json: { oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] }, description,
});

const sid = (prefix: string): JsonSchema => ({ type: 'string', pattern: `^${prefix}[0-9a-fA-F]{32}$` });

/** What `/token` takes and answers: read by the OpenAPI description, next to the issuer that reads the same names. */
export const twilioTokenApi: EndpointSpec = {
  summary: 'A Twilio Access Token',
  description: 'An Access Token for the identity, with the grants this deployment configures (or the requested subset), '
    + 'for `ttl` seconds. With `create_room` the Video room is fetched or created first; with `create_conversation`, '
    + 'its Conversation too, with the identity as a participant.',
  params: [
    { ...identityParam, aliases: ['user_identity'] },
    {
      name: 'grants',
      description: `A subset of ${twilioGrantNames.join(', ')}: a comma-separated list, or a JSON array. `
        + 'Default: every grant the deployment configures. An unconfigured one is `grant_unavailable`.',
      text: { type: 'string', pattern: `^[ ,]*(${twilioGrantNames.join('|')})([ ,]+(${twilioGrantNames.join('|')}))*[ ,]*$` },
      json: { oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string', enum: twilioGrantNames } }] },
      refusals: ['grant_invalid', 'grant_unavailable', 'grant_forbidden'],
    },
    {
      name: 'room',
      aliases: ['room_name'],
      description: `Restricts the Video grant to one room: 1–${roomRule.maxLength} characters, spaces only between words. `
        + 'Needs the video grant in the token.',
      text: text(roomRule.maxLength),
      refusals: ['param_invalid'],
    },
    ttlParam(twilioMaxTtl, 'TOKEN_TTL', 'TOKEN_MAX_TTL'),
    {
      name: 'platform',
      description: `The app's platform, ${platforms.join(', ')}: each grant's push credential is the platform's own `
        + '(`VOICE_PUSH_CREDENTIAL_SID_IOS`, `CHAT_PUSH_CREDENTIAL_SID_ANDROID` …), else the default. Default: none named.',
      text: { type: 'string', enum: platforms },
      refusals: ['param_invalid'],
    },
    {
      name: 'create_room',
      ...flag('`true`: fetch the Video room by name, or create it (`TWILIO_ROOM_TYPE`). Needs a room.'),
      refusals: ['param_invalid', 'upstream_error', 'upstream_unavailable'],
    },
    {
      name: 'create_conversation',
      ...flag("`true`: also the room's Conversation, with the identity as a participant. Needs a room and the chat grant."),
      refusals: ['param_invalid', 'grant_unavailable', 'upstream_error', 'upstream_unavailable'],
    },
    passcodeParam,
  ],
  answer: { mediaType: 'application/json', schema: {
    type: 'object',
    required: ['token', 'identity', 'grants', 'ttl', 'expires_at'],
    additionalProperties: false,
    properties: {
      token: { type: 'string', description: 'The Access Token (an HS256 JWT).' },
      identity: { type: 'string' },
      grants: { type: 'array', items: { type: 'string', enum: twilioGrantNames } },
      ttl: { type: 'integer' },
      expires_at: { type: 'string', format: 'date-time', description: "The token's `exp`, ISO 8601 UTC." },
      room_type: { type: 'string', enum: roomTypes, description: "With a room: the room's type (created rooms get `TWILIO_ROOM_TYPE`)." },
      room_sid: { ...sid('RM'), description: 'With `create_room`.' },
      conversation_sid: { ...sid('CH'), description: 'With `create_conversation`.' },
    },
  } },
  refusals: [],
  tokenPipeline: true,
};

/**
 * `/accessToken` (iOS) and `/access-token` (Android), the Voice quickstarts' request: `/token`'s
 * parameters and refusals, the bare token as text.
 */
export const quickstartTokenApi: EndpointSpec = {
  ...twilioTokenApi,
  summary: "A Twilio Access Token as the Voice quickstarts read it: the bare token",
  description: "`/token` as Twilio's Voice quickstarts ask for it (iOS: `/accessToken`, Android: `/access-token`): the "
    + 'same parameters, authentication and limits, and the whole answer body is the token. The path names the push '
    + "credential's platform unless `platform` does. Refusals stay problem+json.",
  answer: { mediaType: 'text/plain', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' } },
};
