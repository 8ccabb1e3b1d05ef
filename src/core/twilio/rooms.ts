import { Metrics, noMetrics } from '../metrics/metrics';
import { fetchOrCreate, twilioPathSegment, twilioRestClient, TwilioRestOptions, twilioTimer } from './rest';

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

/**
 * The in-progress Video room with this unique name, created with `roomType` when there is none.
 * Rejects with `upstream_error` or `upstream_unavailable`, or `param_invalid` for a name that
 * cannot be a URL path segment (`.` or `..`). Each REST request is counted in `metrics`.
 *
 * @example await ensureRoom(options, 'standup', 'group') // { sid: 'RM…', type: 'group' }
 */
export async function ensureRoom(
  options: TwilioRestOptions, uniqueName: string, roomType: RoomType, metrics: Metrics = noMetrics,
): Promise<Room> {
  const rooms = twilioRestClient(options).video.v1.rooms;
  const segment = twilioPathSegment('room', uniqueName);
  const timed = twilioTimer(metrics, 'twilio_video');
  const room = await fetchOrCreate(
    'room', roomExists,
    () => timed(() => rooms(segment).fetch()),
    () => timed(() => rooms.create({ uniqueName, type: roomType })),
  );
  return { sid: room.sid, type: room.type };
}
