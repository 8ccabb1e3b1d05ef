import { Problem } from '../../src/core/problem';
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

/** The Problem a call rejects with; anything else, or success, fails the test. */
export async function problemOf(call: Promise<unknown>): Promise<Problem> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected the call to reject with a Problem, but it succeeded');
}

