import { Problem } from '../../src/core/problem';

/**
 * The Problem `run` throws. Fails the test when it throws nothing, or something that is not a
 * Problem (which would reach a caller as a bare internal_error).
 */
export function problemOf(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a Problem, but nothing was thrown');
}

/** The Problem a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejectionOf(call: Promise<unknown>): Promise<Problem> {
  const outcome = await call.then(() => undefined, (error: unknown) => error);
  if (outcome instanceof Problem) return outcome;
  throw outcome instanceof Error ? outcome : new Error('expected a Problem, but the call succeeded');
}

/** What a caller sees of the Problem `run` throws: code, status, detail, and its headers when it has any. */
export function refusalOf(run: () => unknown): { code: string; status: number; detail: string; headers?: Record<string, string> } {
  const { code, status, message, headers } = problemOf(run);
  return { code, status, detail: message, ...(Object.keys(headers).length > 0 ? { headers: { ...headers } } : {}) };
}
