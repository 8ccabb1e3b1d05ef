import { Metrics, noMetrics } from '../metrics/metrics';
import {
  fetchOrCreate, twilioFailure, twilioPathSegment, twilioRestClient, TwilioRestOptions, twilioTimer, upstreamProblem,
} from './rest';

/** Twilio's "Conversation with provided unique name already exists": a concurrent request created it. */
const conversationExists = 50353;
/** Twilio's "Participant already exists": this identity is in the conversation already. */
const participantExists = 50433;

/**
 * The conversation with this unique name in a Conversations service, created when there is none.
 * A new one closes after a day, as in Twilio's reference token function: no room lasts longer, and
 * a chat user can be in at most 1,000 open conversations. Rejects with `upstream_error` or
 * `upstream_unavailable`. Each REST request is counted in `metrics`.
 *
 * @example await ensureConversation(options, 'IS…', room.sid) // { sid: 'CH…' }
 */
export async function ensureConversation(
  options: TwilioRestOptions, serviceSid: string, uniqueName: string, metrics: Metrics = noMetrics,
): Promise<{ sid: string }> {
  const conversations = twilioRestClient(options).conversations.v1.services(serviceSid).conversations;
  const segment = twilioPathSegment('conversation', uniqueName);
  const timed = twilioTimer(metrics, 'twilio_conversations');
  const conversation = await fetchOrCreate(
    'conversation', conversationExists,
    () => timed(() => conversations(segment).fetch()),
    () => timed(() => conversations.create({ uniqueName, 'timers.closed': 'P1D' })),
  );
  return { sid: conversation.sid };
}

/**
 * Adds `identity` to a conversation as a chat participant; one already there is success.
 * Rejects with `upstream_error` or `upstream_unavailable`. The request is counted in `metrics`.
 *
 * @example await addParticipant(options, 'IS…', conversation.sid, 'alice')
 */
export async function addParticipant(
  options: TwilioRestOptions, serviceSid: string, conversationSid: string, identity: string, metrics: Metrics = noMetrics,
): Promise<void> {
  const conversation = twilioRestClient(options).conversations.v1.services(serviceSid).conversations(conversationSid);
  try {
    await twilioTimer(metrics, 'twilio_conversations')(() => conversation.participants.create({ identity }));
  } catch (error) {
    if (twilioFailure(error)?.code !== participantExists) throw upstreamProblem(error, 'add the participant');
  }
}
