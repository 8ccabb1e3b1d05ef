import { Deadline, UpstreamBudget } from '../../src/core/deadline';
import { TwilioRestOptions } from '../../src/core/twilio/rest';
import { twilioCredentials } from './fixtures';

/**
 * REST options with the test credentials. Each call makes a new object, so each test gets its own
 * client (clients are kept per options object).
 */
export function restOptions(overrides: Partial<TwilioRestOptions> = {}): TwilioRestOptions {
  return {
    accountSid: twilioCredentials.ACCOUNT_SID,
    apiKey: twilioCredentials.API_KEY,
    apiSecret: twilioCredentials.API_SECRET,
    timeoutMs: 5000,
    ...overrides,
  };
}

/** A token request's budget that never runs out first, and no creation limit: these tests are about something else. */
export function unhurried(): UpstreamBudget {
  return { deadline: new Deadline(25_000), countCreation: async () => undefined };
}
