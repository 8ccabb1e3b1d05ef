import AccessToken from 'twilio/lib/jwt/AccessToken';
import { grantForbidden } from '../auth/caller';
import { Problem } from '../problem';
import { TwilioConfig } from './config';
import { Platform, pushCredentialFor } from './push';

/** What a grant takes from the request, beyond the deployment's settings. */
export interface GrantRequest {
  /** Restricts the video grant to one room. */
  room?: string;
  /** Picks the push credential of the chat and voice grants. */
  platform?: Platform;
}

type Grant = AccessToken.VideoGrant | AccessToken.ChatGrant | AccessToken.VoiceGrant | AccessToken.SyncGrant;

/** One grant: the variable that makes it available, the settings it is built from (undefined when unset), how it is built. */
interface GrantDescriptor<S> {
  /** For the error that says how to make it available; video needs nothing beyond the credentials. */
  enabledBy?: string;
  settings(config: TwilioConfig): S | undefined;
  build(settings: S, request: GrantRequest): Grant;
}

/** Keeps each descriptor's settings type private to it, so the table can be iterated as one type. */
function describeGrant<S>(descriptor: GrantDescriptor<S>): GrantDescriptor<unknown> {
  return descriptor as GrantDescriptor<unknown>;
}

/** Every grant `/token` can put in an Access Token, in the order answers list them. */
const twilioGrants = {
  /** Joins Video rooms: any room, or only the one the request names. */
  video: describeGrant({
    settings: () => ({}),
    build: (_, request) => new AccessToken.VideoGrant({ room: request.room }),
  }),
  /** Conversations (the grant keeps Chat's name) in one service, with the platform's push credential. */
  chat: describeGrant({
    enabledBy: 'SERVICE_SID',
    settings: (config) => config.chat,
    build: (chat, request) => new AccessToken.ChatGrant({
      serviceSid: chat.serviceSid, pushCredentialSid: pushCredentialFor(chat.push, request.platform),
    }),
  }),
  /** Places calls through a TwiML App, receives them when allowed, with the platform's push credential. */
  voice: describeGrant({
    enabledBy: 'OUTGOING_SID',
    settings: (config) => config.voice,
    build: (voice, request) => new AccessToken.VoiceGrant({
      outgoingApplicationSid: voice.outgoingApplicationSid,
      incomingAllow: voice.incomingAllow,
      pushCredentialSid: pushCredentialFor(voice.push, request.platform),
    }),
  }),
  /** Reads and writes one Sync service. */
  sync: describeGrant({
    enabledBy: 'SYNC_SERVICE_SID',
    settings: (config) => config.syncServiceSid,
    build: (serviceSid) => new AccessToken.SyncGrant({ serviceSid }),
  }),
};

export type TwilioGrantName = keyof typeof twilioGrants;
export const twilioGrantNames = Object.keys(twilioGrants) as readonly TwilioGrantName[];

/** Grants this deployment has configured. */
export function availableGrants(config: TwilioConfig): TwilioGrantName[] {
  return twilioGrantNames.filter((name) => twilioGrants[name].settings(config) !== undefined);
}

/**
 * The grant `name` for this deployment and request.
 *
 * @example buildGrant('voice', config, { platform: 'ios' }).toPayload().push_credential_sid // 'CR…'
 */
export function buildGrant(name: TwilioGrantName, config: TwilioConfig, request: GrantRequest): Grant {
  const descriptor = twilioGrants[name];
  const settings = descriptor.settings(config);
  if (settings === undefined) throw unavailable(name);
  return descriptor.build(settings, request);
}

function unavailable(name: TwilioGrantName): Problem {
  return new Problem('grant_unavailable',
    `The ${name} grant is not configured on this deployment (the server sets ${twilioGrants[name].enabledBy}).`);
}

/**
 * The grants a token will carry: every available grant by default, or the requested subset.
 * The server decides what is available; a grants claim in the caller's credentials (`allowed`)
 * narrows the default and forbids asking for more; a caller can only narrow it further.
 *
 * @example resolveGrants(['voice', 'video'], config) // ['video', 'voice']
 */
export function resolveGrants(
  requested: readonly string[] | undefined, config: TwilioConfig, allowed?: ReadonlySet<string>,
): TwilioGrantName[] {
  const available = availableGrants(config);
  if (requested === undefined) {
    const permitted = allowed ? available.filter((name) => allowed.has(name)) : available;
    if (permitted.length === 0) throw grantForbidden('Your credentials allow none of the grants this deployment offers.');
    return permitted;
  }
  const known = new Set<string>(twilioGrantNames);
  if (requested.length === 0 || !requested.every((name) => known.has(name))) {
    throw new Problem('grant_invalid', `grants must be a comma-separated subset of ${twilioGrantNames.join(', ')}.`);
  }
  const wanted = twilioGrantNames.filter((name) => requested.includes(name));
  const missing = wanted.find((name) => !available.includes(name));
  if (missing !== undefined) throw unavailable(missing);
  const forbidden = allowed ? wanted.filter((name) => !allowed.has(name)) : [];
  if (forbidden.length > 0) throw grantForbidden(`Your credentials do not allow the ${forbidden.join(', ')} grant.`);
  return wanted;
}
