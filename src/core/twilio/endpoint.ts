import { Caller } from '../auth/caller';
import { use } from '../config/config';
import { Issued, isoSeconds, tokenEndpoint } from '../endpoint';
import { Problem } from '../problem';
import { validateRoomName } from '../request/identity';
import { readListParam, readParam, TokenRequest } from '../request/params';
import { resolveTtl } from '../request/ttl';
import { Service } from '../service';
import { resolveGrants } from './grants';
import { mintTwilioToken } from './mint';

/**
 * `/token`: a Twilio Access Token for the identity in the request, with the grants this
 * deployment has configured (or the requested subset), for `ttl` seconds.
 */
function issueTwilioToken(request: TokenRequest, service: Service, caller: Caller, identity: string): Issued {
  const config = use(service.config.twilio);
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
  const room = validateRoomName(request.params.room);
  if (room !== undefined && !hasVideo) throw new Problem('param_invalid', 'room applies to the video grant, which this request does not include.');
  return room;
}

export const twilioTokenEndpoint = tokenEndpoint('twilio', issueTwilioToken);
