import { Caller, requireAllowed } from '../auth/caller';
import { use } from '../config/config';
import type { UpstreamBudget } from '../deadline';
import { IssueRequest, Issued, isoSeconds, tokenEndpoint } from '../endpoint';
import { Problem } from '../problem';
import { validateConnectionData, validateRoomName } from '../request/identity';
import { Params, readParam } from '../request/params';
import { resolveTtl } from '../request/ttl';
import { Service } from '../service';
import { VonageConfig, VideoRole, videoRoles } from './config';
import { mintVonageClientToken, mintVonageVideoToken } from './mint';
import { isVideoSessionId } from './session-id';

/** Parameters that only mean something for `kind=video`. */
const videoParams = ['session_id', 'room', 'role', 'data'];
/** Vonage's limit for a Video connection's data, which here holds the identity and the caller's data. */
export const maxConnectionData = 1000;

/**
 * `/vonage-token`: a Client SDK token (`kind=client`, the default) carrying the server's ACL, for
 * a Vonage user that exists when `VONAGE_USER_PROVISION` is on; or a Video API token
 * (`kind=video`) for one session, given as `session_id` or mapped from a `room` name, and one
 * role. Every answer carries what a client needs to connect with it.
 */
async function issueVonageToken(request: IssueRequest, service: Service, caller: Caller, identity: string): Promise<Issued> {
  const config = use(service.config.vonage);
  const { params } = request;
  // The ACL is the server's policy; a caller that tries to send one learns so instead of being ignored.
  if (params.acl !== undefined) {
    throw new Problem('acl_not_allowed', 'The ACL is set by the server; remove the acl parameter.');
  }
  const kind = readParam(params, 'kind', 'kind_invalid') ?? 'client';
  const ttl = resolveTtl(readParam(params, 'ttl', 'ttl_invalid'), config.ttl);

  if (kind === 'client') return issueClientToken(service, config, request, caller, identity, ttl);
  if (kind === 'video') return issueVideoToken(service, config, request, caller, identity, ttl);
  throw new Problem('kind_invalid', 'kind must be client or video.');
}

async function issueClientToken(
  service: Service, config: VonageConfig, request: IssueRequest, caller: Caller, identity: string, ttl: number,
): Promise<Issued> {
  const misplaced = videoParams.find((name) => request.params[name] !== undefined);
  if (misplaced) throw new Problem('param_invalid', `${misplaced} applies to kind=video only.`);
  requireAllowed(caller, config.aclName, `the ${config.aclName} ACL`);
  // The Client SDK's `sub` must name a user of the application: make sure it exists first.
  const userId = config.upstream.userProvision ? await provisionUser(service, config, request, identity) : undefined;
  request.deadline.ensureClientWaiting();
  const { token, expiresAt } = await mintVonageClientToken(config, identity, ttl);
  const acl = Object.keys(config.acl.paths);
  return {
    kind: 'client',
    body: {
      token, identity, kind: 'client', ttl, expires_at: isoSeconds(expiresAt), application_id: config.applicationId, acl,
      ...(userId === undefined ? {} : { user_id: userId }),
    },
    log: { identity, kind: 'client', ttl, user_id: userId },
  };
}

async function issueVideoToken(
  service: Service, config: VonageConfig, request: IssueRequest, caller: Caller, identity: string, ttl: number,
): Promise<Issued> {
  const { params } = request;
  const given = readSessionId(params);
  const room = validateRoomName(params.room);
  if (given !== undefined && room !== undefined) throw new Problem('param_invalid', 'Send session_id or room, not both.');
  if (given === undefined && room === undefined) throw new Problem('session_id_missing', 'kind=video needs session_id, or a room name to map to a session.');
  const role = readRole(config, params, caller);
  const data = connectionData(identity, validateConnectionData(params.data));
  // Everything the caller sent is valid before a session is created for it.
  const sessionId = given ?? await roomSession(service, config, request, room!);
  request.deadline.ensureClientWaiting();
  const { token, expiresAt } = await mintVonageVideoToken(config, { sessionId, role, ttl, data });
  return {
    kind: 'video',
    body: {
      token, identity, kind: 'video', ttl, expires_at: isoSeconds(expiresAt), application_id: config.applicationId,
      session_id: sessionId, role, ...(room === undefined ? {} : { room }),
    },
    log: { identity, kind: 'video', ttl, role, room },
  };
}

function readSessionId(params: Params): string | undefined {
  const sessionId = readParam(params, 'session_id', 'session_id_invalid');
  if (sessionId !== undefined && !isVideoSessionId(sessionId)) throw new Problem('session_id_invalid', 'session_id is not a Vonage Video session id.');
  return sessionId;
}

/**
 * The connection data every other participant sees, written by the service: the verified identity,
 * and the caller's own data under `data`. A caller cannot make a token claim another identity.
 */
function connectionData(identity: string, callerData: string | undefined): string {
  const data = JSON.stringify(callerData === undefined ? { identity } : { identity, data: callerData });
  if ([...data].length > maxConnectionData) {
    throw new Problem('data_invalid', `data, with the identity the service adds, must be at most ${maxConnectionData} characters.`);
  }
  return data;
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

/** The room's session, created with @vonage/video on first use and shared through the state store. */
async function roomSession(service: Service, config: VonageConfig, budget: UpstreamBudget, room: string): Promise<string> {
  const { sessionForRoom } = await import('./sessions');
  const { videoHost, mediaMode, roomTtlSeconds, timeoutMs } = config.upstream;
  const { deadline, countCreation } = budget;
  return sessionForRoom({
    store: use(service.store), config, videoHost, mediaMode, roomTtlSeconds, timeoutMs, deadline, countCreation, metrics: service.metrics,
  }, room);
}

/** The Vonage user named after the identity, created with @vonage/users unless the store knows it. */
async function provisionUser(service: Service, config: VonageConfig, budget: UpstreamBudget, identity: string): Promise<string> {
  const { ensureUser } = await import('./users');
  const { apiHost, timeoutMs } = config.upstream;
  const { deadline, countCreation } = budget;
  return ensureUser({ store: use(service.store), config, apiHost, timeoutMs, deadline, countCreation, metrics: service.metrics }, identity);
}

export const vonageTokenEndpoint = tokenEndpoint('vonage', issueVonageToken);
