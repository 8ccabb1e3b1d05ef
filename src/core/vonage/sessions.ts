import type { Deadline } from '../deadline';
import type { Metrics } from '../metrics/metrics';
import { Problem } from '../problem';
import type { StateStore } from '../state/store';
import type { AppCredentials } from './app-jwt';
import { rememberOrCreate } from './remembered';
import { isVideoSessionId } from './session-id';
import { callVonage, isJsonObject, vonageClient } from './upstream';

export type MediaModeName = 'routed' | 'relayed';

export interface SessionDeps {
  store: StateStore;
  config: AppCredentials;
  /** @vonage/video's `videoHost`; unset means Vonage's production host. */
  videoHost?: string;
  /** `routed` sends media through Vonage's Media Router; `relayed` tries peer to peer first. */
  mediaMode: MediaModeName;
  /** How long a room keeps its session once created. */
  roomTtlSeconds: number;
  /** The most one call may take. */
  timeoutMs: number;
  /** The token request's deadline. */
  deadline: Deadline;
  /** Counts the request against the creation limits: called only when a session is about to be created. */
  countCreation(): Promise<void>;
  /** Where each request to Vonage is counted. */
  metrics?: Metrics;
}

/**
 * The Video session id for a room name: the one remembered in the shared store, or a new session
 * created with @vonage/video and remembered. Concurrent first requests, on any replica, all get
 * the session stored first.
 *
 * @example await sessionForRoom(deps, 'standup') // '2_MX4...'
 */
export function sessionForRoom(deps: SessionDeps, room: string): Promise<string> {
  return rememberOrCreate(
    deps.store, `vonage:room:${room}`, deps.roomTtlSeconds, deps.deadline, (deadline) => createSession(deps, deadline), videoSessionId,
  );
}

async function createSession(deps: SessionDeps, deadline: Deadline): Promise<unknown> {
  await deps.countCreation();
  const { Video, MediaMode, ArchiveMode } = require('@vonage/video') as typeof import('@vonage/video');
  // Vonage answers a list holding the new session.
  const isAnswer = (body: unknown) => Array.isArray(body) && isJsonObject(body[0]);
  const video = vonageClient(Video, deps.config, {
    videoHost: deps.videoHost, timeoutMs: deps.timeoutMs, deadline, isAnswer, metrics: deps.metrics, upstream: 'vonage_video',
  });
  const session = await callVonage('the Video session request', () => video.createSession({
    mediaMode: deps.mediaMode === 'relayed' ? MediaMode.RELAYED : MediaMode.ROUTED,
    // Recording stays the application's decision, made per session through the Archive API.
    archiveMode: ArchiveMode.MANUAL,
  }));
  return session.sessionId;
}

/** A session id is signed into tokens, answered and remembered for a day: it must be one Vonage issues. */
function videoSessionId(value: unknown): string {
  if (!isVideoSessionId(value)) {
    throw new Problem('upstream_error', 'The Video session for this room is not a session id as Vonage issues them (URL-safe characters, at most 512).');
  }
  return value;
}
