import type { EndpointSpec, JsonSchema } from '../openapi/spec';
import { text } from '../openapi/spec';
import { identityParam, passcodeParam, ttlParam } from '../request/api';
import { connectionDataRule, roomRule } from '../request/identity';
import { videoRoles, vonageMaxTtl } from './config';
import { maxConnectionData } from './endpoint';
import { sessionIdPattern } from './session-id';

const common: Record<string, JsonSchema> = {
  token: { type: 'string', description: 'The token (an RS256 JWT signed with the application key).' },
  identity: { type: 'string' },
  ttl: { type: 'integer' },
  expires_at: { type: 'string', format: 'date-time', description: "The token's `exp`, ISO 8601 UTC." },
  application_id: { type: 'string', format: 'uuid' },
};

/** What `/vonage-token` takes and answers: read by the OpenAPI description, next to the issuer that reads the same names. */
export const vonageTokenApi: EndpointSpec = {
  summary: 'A Vonage Client SDK or Video token',
  description: 'A Client SDK token (`kind=client`, the default) carrying the server\'s ACL, or a Video API token '
    + '(`kind=video`) for one session, given as `session_id` or mapped from a `room` name, and one role.',
  params: [
    identityParam,
    {
      name: 'kind',
      description: '`client` (default): a Client SDK token for in-app voice and messaging. `video`: a Video API token.',
      text: { type: 'string', enum: ['client', 'video'] },
      refusals: ['kind_invalid'],
    },
    ttlParam(vonageMaxTtl, 'VONAGE_TOKEN_TTL', 'VONAGE_MAX_TTL'),
    {
      name: 'room',
      description: `\`kind=video\`: a room name (1–${roomRule.maxLength} characters, spaces only between words) the service `
        + 'maps to a Video session, created on first use. Send `room` or `session_id`.',
      text: text(roomRule.maxLength),
      refusals: ['param_invalid', 'state_unavailable', 'upstream_error', 'upstream_unavailable'],
    },
    {
      name: 'session_id',
      description: '`kind=video`: the Video session to join, when you create sessions yourself. Send `room` or `session_id`.',
      text: { type: 'string', pattern: sessionIdPattern.source },
      refusals: ['session_id_missing', 'session_id_invalid', 'param_invalid'],
    },
    {
      name: 'role',
      description: '`kind=video`: the role; only roles in `VONAGE_VIDEO_ROLES` are issued. Default `publisher`, or '
        + '`subscriber` for a caller whose grants claim allows only that.',
      text: { type: 'string', enum: videoRoles },
      refusals: ['role_invalid', 'role_forbidden', 'grant_forbidden', 'param_invalid'],
    },
    {
      name: 'data',
      description: `\`kind=video\`: your connection data. The token's data is \`{"identity": …, "data": …}\`, at most `
        + `${maxConnectionData} characters in all.`,
      text: text(connectionDataRule.maxLength),
      refusals: ['data_invalid', 'param_invalid'],
    },
    {
      name: 'acl',
      description: 'Never accepted: the ACL is the server\'s policy (`VONAGE_ACL`). A request that sends it is refused.',
      text: { not: {} },
      refusals: ['acl_not_allowed'],
    },
    passcodeParam,
  ],
  answer: { mediaType: 'application/json', schema: {
    oneOf: [
      {
        type: 'object',
        description: 'A Client SDK token (`kind=client`).',
        required: ['token', 'identity', 'kind', 'ttl', 'expires_at', 'application_id', 'acl'],
        additionalProperties: false,
        properties: {
          ...common,
          kind: { const: 'client' },
          acl: { type: 'array', items: { type: 'string' }, description: "The ACL's paths." },
          user_id: { type: 'string', description: 'With `VONAGE_USER_PROVISION=true`: the Vonage user named after the identity.' },
        },
      },
      {
        type: 'object',
        description: 'A Video API token (`kind=video`).',
        required: ['token', 'identity', 'kind', 'ttl', 'expires_at', 'application_id', 'session_id', 'role'],
        additionalProperties: false,
        properties: {
          ...common,
          kind: { const: 'video' },
          session_id: { type: 'string' },
          role: { type: 'string', enum: videoRoles },
          room: { type: 'string', description: 'With a room: its name.' },
        },
      },
    ],
  } },
  refusals: ['overloaded', 'grant_forbidden'],
  tokenPipeline: true,
};
