import type { UpstreamBudget } from '../deadline';
import { Metrics, noMetrics } from '../metrics/metrics';
import { Problem } from '../problem';
import { fetchOrCreate, twilioPathSegment, twilioRestClient, TwilioRestOptions, twilioTimer } from './rest';
import { sidPattern, sidText } from './sid';

/** Video room types; Twilio recommends `group` and deprecates the others. */
export type RoomType = 'group' | 'group-small' | 'peer-to-peer' | 'go';

export const roomTypes: readonly RoomType[] = ['group', 'group-small', 'peer-to-peer', 'go'];

export interface Room {
  sid: string;
  /** The room's actual type, which differs from the configured one when the room already existed. */
  type: RoomType;
}

/** Twilio's "Room exists": another request created an in-progress room with this unique name first. */
const roomExists = 53113;
const roomSid = sidPattern('RM');

/**
 * The in-progress Video room with this unique name, created with `roomType` when there is none
 * (counted against the request's creation limits), within the request's deadline. Rejects with
 * `upstream_error` or `upstream_unavailable` (and `upstream_error` for an answer whose SID or type
 * is not what Twilio's API reference describes: it is echoed to the caller and used in further
 * calls), or `param_invalid` for a name that cannot be a URL path segment (`.` or `..`). Each REST
 * request is counted in `metrics`.
 *
 * @example await ensureRoom(options, request, 'standup', 'group') // { sid: 'RM…', type: 'group' }
 */
export async function ensureRoom(
  options: TwilioRestOptions, budget: UpstreamBudget, uniqueName: string, roomType: RoomType, metrics: Metrics = noMetrics,
): Promise<Room> {
  const rooms = twilioRestClient(options).video.v1.rooms;
  const segment = twilioPathSegment('room', uniqueName);
  const timed = twilioTimer(metrics, 'twilio_video');
  const room = await fetchOrCreate(
    'room', roomExists, budget,
    () => timed(() => rooms(segment).fetch()),
    () => timed(() => rooms.create({ uniqueName, type: roomType })),
  );
  const { sid, type } = room as { sid: unknown; type: unknown };
  if (typeof sid !== 'string' || !roomSid.test(sid)) {
    throw new Problem('upstream_error', `Twilio's room answer has no sid that is ${sidText('RM', 'a Room SID')}.`);
  }
  const known = roomTypes.find((candidate) => candidate === type);
  if (known === undefined) throw new Problem('upstream_error', `Twilio's room answer has no type that is one of ${roomTypes.join(', ')}.`);
  return { sid, type: known };
}
