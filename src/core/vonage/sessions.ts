import type { Metrics } from '../metrics/metrics';
import { Problem } from '../problem';
import type { StateStore } from '../state/store';
import type { AppCredentials } from './app-jwt';
import { rememberOrCreate } from './remembered';
import { callVonage, vonageClient } from './upstream';

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
  timeoutMs: number;
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
  return rememberOrCreate(deps.store, `vonage:room:${room}`, deps.roomTtlSeconds, () => createSession(deps));
}

async function createSession(deps: SessionDeps): Promise<string> {
  const { Video, MediaMode, ArchiveMode } = require('@vonage/video') as typeof import('@vonage/video');
  const video = vonageClient(Video, deps.config, {
    videoHost: deps.videoHost, timeoutMs: deps.timeoutMs, metrics: deps.metrics, upstream: 'vonage_video',
  });
  const session = await callVonage('the Video session request', deps.timeoutMs, () => video.createSession({
    mediaMode: deps.mediaMode === 'relayed' ? MediaMode.RELAYED : MediaMode.ROUTED,
    // Recording stays the application's decision, made per session through the Archive API.
    archiveMode: ArchiveMode.MANUAL,
  }));
  if (typeof session.sessionId !== 'string' || session.sessionId === '') {
    throw new Problem('upstream_error', "Vonage's answer to the Video session request has no session id.");
  }
  return session.sessionId;
}
