import { Caller, resolveIdentity } from '../auth/caller';
import { Config, use } from '../config/config';
import { Issued, isoSeconds, Trace, tokenEndpoint } from '../endpoint';
import { Problem } from '../problem';
import { readListParam, readParam, TokenRequest } from '../request/params';
import { resolveTtl } from '../request/ttl';
import { resolveGrants } from './grants';
import { mintTwilioToken } from './mint';

/** Twilio Video's limit for a room's unique name. */
const maxRoomLength = 128;

/**
 * `/token`: a Twilio Access Token for the identity in the request, with the grants this
 * deployment has configured (or the requested subset), for `ttl` seconds.
 */
function issueTwilioToken(request: TokenRequest, configuration: Config, caller: Caller, trace: Trace): Issued {
  const config = use(configuration.twilio);
  const identity = resolveIdentity(request.params, caller);
  trace.identity = identity;
  const grants = resolveGrants(readListParam(request.params, 'grants', 'grant_invalid'), config, caller.allowed);
  const ttl = resolveTtl(readParam(request.params, 'ttl', 'ttl_invalid'), config.ttl);
  const room = readRoom(request, grants.includes('video'));

  const { token, expiresAt } = mintTwilioToken(config, { identity, ttl, grants, room });
  return {
    body: { token, identity, grants, ttl, expires_at: isoSeconds(expiresAt) },
    log: { identity, grants, ttl, room },
  };
}

function readRoom(request: TokenRequest, hasVideo: boolean): string | undefined {
  const room = readParam(request.params, 'room', 'param_invalid');
  if (room === undefined) return undefined;
  if (!hasVideo) throw new Problem('param_invalid', 'room applies to the video grant, which this request does not include.');
  if ([...room].length > maxRoomLength || /[\p{Cc}\p{Cs}]/u.test(room)) {
    throw new Problem('param_invalid', `room must be at most ${maxRoomLength} characters, without control characters.`);
  }
  return room;
}

export const twilioTokenEndpoint = tokenEndpoint(issueTwilioToken);
