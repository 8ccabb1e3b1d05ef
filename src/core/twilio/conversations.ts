import type { UpstreamBudget } from '../deadline';
import { Metrics, noMetrics } from '../metrics/metrics';
import { Problem } from '../problem';
import {
  fetchOrCreate, twilioFailure, twilioPathSegment, twilioRestClient, TwilioRestOptions, twilioTimer, underDeadline, upstreamProblem,
} from './rest';
import { sidPattern, sidText } from './sid';

/** Twilio's "Conversation with provided unique name already exists": a concurrent request created it. */
const conversationExists = 50353;
/** Twilio's "Participant already exists": this identity is in the conversation already. */
const participantExists = 50433;
const conversationSid = sidPattern('CH');

/**
 * The conversation with this unique name in a Conversations service, created when there is none
 * (counted against the request's creation limits), within the request's deadline. A new one
 * closes after a day, as in Twilio's reference token function: no room lasts longer, and a chat
 * user can be in at most 1,000 open conversations. Rejects with `upstream_error` (also for an
 * answer without a Conversation SID, which goes into the next call's URL) or
 * `upstream_unavailable`. Each REST request is counted in `metrics`.
 *
 * @example await ensureConversation(options, request, 'IS…', room.sid) // { sid: 'CH…' }
 */
export async function ensureConversation(
  options: TwilioRestOptions, budget: UpstreamBudget, serviceSid: string, uniqueName: string, metrics: Metrics = noMetrics,
): Promise<{ sid: string }> {
  const conversations = twilioRestClient(options).conversations.v1.services(twilioPathSegment('service', serviceSid)).conversations;
  const segment = twilioPathSegment('conversation', uniqueName);
  const timed = twilioTimer(metrics, 'twilio_conversations');
  const conversation = await fetchOrCreate(
    'conversation', conversationExists, budget,
    () => timed(() => conversations(segment).fetch()),
    () => timed(() => conversations.create({ uniqueName, 'timers.closed': 'P1D' })),
  );
  const { sid } = conversation as { sid: unknown };
  if (typeof sid !== 'string' || !conversationSid.test(sid)) {
    throw new Problem('upstream_error', `Twilio's conversation answer has no sid that is ${sidText('CH', 'a Conversation SID')}.`);
  }
  return { sid };
}

/**
 * Adds `identity` to a conversation as a chat participant, within the request's deadline; one
 * already there is success. Not counted as a creation: an identity is one participant at most,
 * and every request that joins a conversation adds it. Rejects with `upstream_error` or
 * `upstream_unavailable`. The request is counted in `metrics`.
 *
 * @example await addParticipant(options, request, 'IS…', conversation.sid, 'alice')
 */
export async function addParticipant(
  options: TwilioRestOptions, budget: UpstreamBudget, serviceSid: string, conversationSid: string, identity: string,
  metrics: Metrics = noMetrics,
): Promise<void> {
  const conversation = twilioRestClient(options).conversations.v1
    .services(twilioPathSegment('service', serviceSid)).conversations(twilioPathSegment('conversation', conversationSid));
  try {
    const timed = twilioTimer(metrics, 'twilio_conversations');
    await underDeadline(budget.deadline, () => timed(() => conversation.participants.create({ identity })));
  } catch (error) {
    if (twilioFailure(error)?.code !== participantExists) throw upstreamProblem(error, 'add the participant');
  }
}
