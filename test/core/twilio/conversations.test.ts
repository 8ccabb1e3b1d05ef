import { addParticipant, ensureConversation } from '../../../src/core/twilio/conversations';
import { chatServiceSid } from '../../support/fixtures';
import { RunningPrism, startPrism, twilioSpecs } from '../../support/prism';
import { restOptions, unhurried } from '../../support/twilio-rest';
import { rejectionOf } from '../../support/problem';
import {
  inOrder, notFound, RecordedRequest, StandInAnswer, startTwilioStandIn, TwilioStandIn, twilioError,
} from '../../support/twilio-stand-in';

const roomSid = 'RM0123456789abcdef0123456789abcdef';
// Prism answers with the first example in Twilio's description, whatever the request asked for.
const twilioExample = { sid: 'CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
const conversations = `/v1/Services/${chatServiceSid}/Conversations`;

let prism: RunningPrism;
beforeAll(async () => {
  prism = await startPrism(twilioSpecs.conversations);
}, 70_000);
afterAll(() => prism?.stop());

const standIns: TwilioStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});

/** Twilio's Conversations domain: Prism checks every request against Twilio's description; `answer` may replace its answer. */
async function twilio(answer: (request: RecordedRequest) => StandInAnswer): Promise<TwilioStandIn> {
  const standIn = await startTwilioStandIn(answer, prism.url);
  standIns.push(standIn);
  return standIn;
}

const sent = (standIn: TwilioStandIn) => standIn.requests.map(({ method, path, form }) => ({ method, path, form }));

describe('ensureConversation', () => {
  it('fetches the conversation by its unique name', async () => {
    const api = await twilio(() => 'prism');
    await expect(ensureConversation(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, roomSid))
      .resolves.toEqual(twilioExample);
    expect(sent(api)).toEqual([{ method: 'GET', path: `${conversations}/${roomSid}`, form: {} }]);
  });

  it('creates it, closing after a day, when there is none', async () => {
    const api = await twilio(inOrder(notFound, 'prism'));
    await expect(ensureConversation(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, roomSid))
      .resolves.toEqual(twilioExample);
    expect(sent(api)).toEqual([
      { method: 'GET', path: `${conversations}/${roomSid}`, form: {} },
      { method: 'POST', path: conversations, form: { UniqueName: roomSid, 'Timers.Closed': 'P1D' } },
    ]);
  });

  it('fetches it again when a concurrent request created it first', async () => {
    const api = await twilio(inOrder(
      notFound, twilioError(409, 50353, 'Conversation with provided unique name already exists'), 'prism',
    ));
    await expect(ensureConversation(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, roomSid))
      .resolves.toEqual(twilioExample);
    expect(sent(api).map(({ method, path }) => `${method} ${path}`)).toEqual([
      `GET ${conversations}/${roomSid}`, `POST ${conversations}`, `GET ${conversations}/${roomSid}`,
    ]);
  });

  it('fails with upstream_error carrying Twilio\'s code when Twilio refuses to create it', async () => {
    const api = await twilio(inOrder(notFound, twilioError(403, 50385, 'Conversations are disabled in this region')));
    const problem = await rejectionOf(ensureConversation(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, roomSid));
    expect([problem.code, problem.status, problem.message, problem.extensions]).toEqual([
      'upstream_error', 502, 'Twilio answered HTTP 403 with error 50385 when asked to create the conversation.', { vendor_code: 50385 },
    ]);
  });
});

describe('addParticipant', () => {
  const participants = `${conversations}/${twilioExample.sid}/Participants`;

  it('adds the identity as a chat participant', async () => {
    const api = await twilio(() => 'prism');
    await expect(addParticipant(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, twilioExample.sid, 'alice'))
      .resolves.toBeUndefined();
    expect(sent(api)).toEqual([{ method: 'POST', path: participants, form: { Identity: 'alice' } }]);
  });

  it('succeeds when the identity is a participant already (50433)', async () => {
    const api = await twilio(() => twilioError(409, 50433, 'Participant already exists'));
    await expect(addParticipant(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, twilioExample.sid, 'alice'))
      .resolves.toBeUndefined();
    expect(sent(api)).toEqual([{ method: 'POST', path: participants, form: { Identity: 'alice' } }]);
  });

  it('fails with upstream_error carrying Twilio\'s code on any other refusal', async () => {
    const api = await twilio(() => twilioError(400, 50200, 'User not found'));
    const problem = await rejectionOf(addParticipant(restOptions({ conversationsBaseUrl: api.url }), unhurried(), chatServiceSid, twilioExample.sid, 'alice'));
    expect([problem.code, problem.status, problem.message, problem.extensions]).toEqual([
      'upstream_error', 502, 'Twilio answered HTTP 400 with error 50200 when asked to add the participant.', { vendor_code: 50200 },
    ]);
  });

  it('fails with upstream_unavailable when Twilio cannot be reached', async () => {
    const api = await twilio(() => 'hang');
    const problem = await rejectionOf(addParticipant(
      restOptions({ conversationsBaseUrl: api.url, timeoutMs: 300 }), unhurried(), chatServiceSid, twilioExample.sid, 'alice',
    ));
    expect([problem.code, problem.status, problem.message])
      .toEqual(['upstream_unavailable', 503, 'Twilio did not answer in time when asked to add the participant.']);
  });
});
