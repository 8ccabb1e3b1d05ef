import { Caller, requireAllowed } from '../auth/caller';
import { use } from '../config/config';
import { Issued, isoSeconds, tokenEndpoint } from '../endpoint';
import { Problem } from '../problem';
import { validateConnectionData } from '../request/identity';
import { Params, readParam, TokenRequest } from '../request/params';
import { resolveTtl } from '../request/ttl';
import { Service } from '../service';
import { VonageConfig, VideoRole, videoRoles } from './config';
import { mintVonageClientToken, mintVonageVideoToken } from './mint';

/** Video session ids are URL-safe base64 with `~`, `-` and `_` separators. */
const sessionIdPattern = /^[A-Za-z0-9_~.+/=-]{1,512}$/;
/** Parameters that only mean something for `kind=video`. */
const videoParams = ['session_id', 'role', 'data'];

/**
 * `/vonage-token`: a Client SDK token (`kind=client`, the default) carrying the server's ACL, or a
 * Video API token (`kind=video`) for one session and role.
 */
async function issueVonageToken(request: TokenRequest, service: Service, caller: Caller, identity: string): Promise<Issued> {
  const config = use(service.config.vonage);
  const { params } = request;
  // The ACL is the server's policy; a caller that tries to send one learns so instead of being ignored.
  if (params.acl !== undefined) {
    throw new Problem('acl_not_allowed', 'The ACL is set by the server; remove the acl parameter.');
  }
  const kind = readParam(params, 'kind', 'kind_invalid') ?? 'client';
  const ttl = resolveTtl(readParam(params, 'ttl', 'ttl_invalid'), config.ttl);

  if (kind === 'client') return issueClientToken(config, params, caller, identity, ttl);
  if (kind === 'video') return issueVideoToken(config, params, caller, identity, ttl);
  throw new Problem('kind_invalid', 'kind must be client or video.');
}

async function issueClientToken(config: VonageConfig, params: Params, caller: Caller, identity: string, ttl: number): Promise<Issued> {
  const misplaced = videoParams.find((name) => params[name] !== undefined);
  if (misplaced) throw new Problem('param_invalid', `${misplaced} applies to kind=video only.`);
  requireAllowed(caller, config.aclName, `the ${config.aclName} ACL`);
  const { token, expiresAt } = await mintVonageClientToken(config, identity, ttl);
  const acl = Object.keys(config.acl.paths);
  return {
    body: { token, identity, kind: 'client', ttl, expires_at: isoSeconds(expiresAt), acl },
    log: { identity, kind: 'client', ttl },
  };
}

async function issueVideoToken(config: VonageConfig, params: Params, caller: Caller, identity: string, ttl: number): Promise<Issued> {
  const sessionId = readParam(params, 'session_id', 'session_id_invalid');
  if (sessionId === undefined) throw new Problem('session_id_missing', 'session_id is required for kind=video.');
  if (!sessionIdPattern.test(sessionId)) throw new Problem('session_id_invalid', 'session_id is not a Vonage Video session id.');
  const role = readRole(config, params, caller);
  const data = validateConnectionData(params.data);
  const { token, expiresAt } = await mintVonageVideoToken(config, { sessionId, role, ttl, data });
  return {
    body: { token, identity, kind: 'video', ttl, expires_at: isoSeconds(expiresAt), session_id: sessionId, role },
    log: { identity, kind: 'video', ttl, role },
  };
}

/**
 * The video role: as asked, else publisher, or subscriber for a caller whose grants claim allows
 * only that. The deployment's VONAGE_VIDEO_ROLES and the caller's claim must both allow it.
 */
function readRole(config: VonageConfig, params: Params, caller: Caller): VideoRole {
  const requested = readParam(params, 'role', 'role_invalid');
  const role = requested ?? (caller.allowed && !caller.allowed.has('publisher') ? 'subscriber' : 'publisher');
  if (!(videoRoles as readonly string[]).includes(role)) {
    throw new Problem('role_invalid', `role must be one of ${videoRoles.join(', ')}.`);
  }
  if (!config.videoRoles.has(role as VideoRole)) {
    throw new Problem('role_forbidden', `This deployment does not issue ${role} tokens.`);
  }
  requireAllowed(caller, role, `the ${role} role`);
  return role as VideoRole;
}

export const vonageTokenEndpoint = tokenEndpoint('vonage', issueVonageToken);
