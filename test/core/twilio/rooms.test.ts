import { ensureRoom, roomTypes } from '../../../src/core/twilio/rooms';
import { RunningPrism, startPrism, twilioSpecs } from '../../support/prism';
import { restOptions, unhurried } from '../../support/twilio-rest';
import { recordingMetrics } from '../../support/metrics';
import { rejectionOf } from '../../support/problem';
import {
  inOrder, notFound, RecordedRequest, StandInAnswer, startTwilioStandIn, TwilioStandIn, twilioError,
} from '../../support/twilio-stand-in';

// Prism answers with the first example in Twilio's description, whatever the request asked for.
const twilioExample = { sid: 'RMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', type: 'peer-to-peer' };

let prism: RunningPrism;
beforeAll(async () => {
  prism = await startPrism(twilioSpecs.video);
}, 70_000);
afterAll(() => prism?.stop());

const standIns: TwilioStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});

/** Twilio's Video domain: Prism checks every request against Twilio's description; `answer` may replace its answer. */
async function video(answer: (request: RecordedRequest) => StandInAnswer): Promise<TwilioStandIn> {
  const standIn = await startTwilioStandIn(answer, prism.url);
  standIns.push(standIn);
  return standIn;
}

const sent = (standIn: TwilioStandIn) => standIn.requests.map(({ method, path, form }) => ({ method, path, form }));

describe('ensureRoom', () => {
  it('fetches the in-progress room by its unique name', async () => {
    const twilio = await video(() => 'prism');
    await expect(ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'standup', 'group')).resolves.toEqual(twilioExample);
    expect(sent(twilio)).toEqual([{ method: 'GET', path: '/v1/Rooms/standup', form: {} }]);
  });

  it.each(roomTypes)('creates a %s room when none is in progress, and answers the type Twilio gave it', async (roomType) => {
    const twilio = await video(inOrder(notFound, 'prism'));
    await expect(ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'standup', roomType)).resolves.toEqual(twilioExample);
    expect(sent(twilio)).toEqual([
      { method: 'GET', path: '/v1/Rooms/standup', form: {} },
      { method: 'POST', path: '/v1/Rooms', form: { UniqueName: 'standup', Type: roomType } },
    ]);
  });

  it('fetches the room again when a concurrent request created it first', async () => {
    const twilio = await video(inOrder(notFound, twilioError(400, 53113, 'Room exists'), 'prism'));
    await expect(ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'standup', 'group')).resolves.toEqual(twilioExample);
    expect(sent(twilio)).toEqual([
      { method: 'GET', path: '/v1/Rooms/standup', form: {} },
      { method: 'POST', path: '/v1/Rooms', form: { UniqueName: 'standup', Type: 'group' } },
      { method: 'GET', path: '/v1/Rooms/standup', form: {} },
    ]);
  });

  it('addresses a name with reserved characters as one path segment', async () => {
    const twilio = await video(inOrder(notFound, 'prism'));
    await ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'design review/1?', 'group');
    expect(sent(twilio)).toEqual([
      { method: 'GET', path: '/v1/Rooms/design%20review%2F1%3F', form: {} },
      { method: 'POST', path: '/v1/Rooms', form: { UniqueName: 'design review/1?', Type: 'group' } },
    ]);
  });

  it('fails with upstream_error carrying Twilio\'s code when Twilio refuses to create the room', async () => {
    const twilio = await video(inOrder(notFound, twilioError(429, 53119, 'The concurrent Rooms quota was exceeded')));
    const problem = await rejectionOf(ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'standup', 'group'));
    expect([problem.code, problem.status, problem.message, problem.extensions]).toEqual([
      'upstream_error', 502, 'Twilio answered HTTP 429 with error 53119 when asked to create the room.', { vendor_code: 53119 },
    ]);
    expect(twilio.requests).toHaveLength(2);
  });

  it('counts each REST request under twilio_video by how it ended', async () => {
    const twilio = await video(inOrder(notFound, twilioError(400, 53113, 'Room exists'), 'prism'));
    const metrics = recordingMetrics();
    await ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), 'standup', 'group', metrics);
    expect(metrics.calls).toEqual([
      ['upstreamRequest', 'twilio_video', '4xx', 'number'],
      ['upstreamRequest', 'twilio_video', '4xx', 'number'],
      ['upstreamRequest', 'twilio_video', '2xx', 'number'],
    ]);
  });

  it('counts a request that gets no answer in time as a timeout, one that cannot connect as unreachable', async () => {
    const hung = await video(() => 'hang');
    const metrics = recordingMetrics();
    await rejectionOf(ensureRoom(restOptions({ videoBaseUrl: hung.url, timeoutMs: 200 }), unhurried(), 'standup', 'group', metrics));
    await rejectionOf(ensureRoom(restOptions({ videoBaseUrl: 'http://127.0.0.1:1' }), unhurried(), 'standup', 'group', metrics));
    expect(metrics.calls).toEqual([
      ['upstreamRequest', 'twilio_video', 'timeout', 'number'],
      ['upstreamRequest', 'twilio_video', 'unreachable', 'number'],
    ]);
  });

  it('sends nothing for a name that would climb the path', async () => {
    const twilio = await video(() => 'prism');
    const problem = await rejectionOf(ensureRoom(restOptions({ videoBaseUrl: twilio.url }), unhurried(), '..', 'group'));
    expect([problem.code, problem.status]).toEqual(['param_invalid', 400]);
    expect(twilio.requests).toEqual([]);
  });
});
