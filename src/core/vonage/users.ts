import type { Deadline } from '../deadline';
import type { Metrics } from '../metrics/metrics';
import { Problem } from '../problem';
import type { StateStore } from '../state/store';
import type { AppCredentials } from './app-jwt';
import { rememberOrCreate } from './remembered';
import { answerStatus, callVonage, isJsonObject, vonageClient } from './upstream';

export interface UserDeps {
  store: StateStore;
  config: AppCredentials;
  /** @vonage/users' `apiHost`; unset means Vonage's production host. */
  apiHost?: string;
  /** The most one call (the create, and for an existing user the lookup) may take. */
  timeoutMs: number;
  /** The token request's deadline, which both calls share. */
  deadline: Deadline;
  /** Counts the request against the creation limits: called only when a user is about to be created. */
  countCreation(): Promise<void>;
  /** Where each request to Vonage is counted. */
  metrics?: Metrics;
}

/**
 * A day: a user deleted in Vonage's dashboard meanwhile is not re-created until its entry expires,
 * while a known user costs no API call.
 */
const knownUserTtl = 86400;

/** Vonage's user ids: `USR-` and a UUID, as its Users API reference shows them. */
const userIdPattern = /^USR-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id of the Vonage user named `name` (`USR-…`), creating the user on first use. A user that
 * already exists (Vonage answers 409) is looked up by name instead. Known users are remembered in
 * the shared store, so they cost no API call.
 *
 * @example await ensureUser(deps, 'alice') // 'USR-…'
 */
export function ensureUser(deps: UserDeps, name: string): Promise<string> {
  return rememberOrCreate(
    deps.store, `vonage:user:${name}`, knownUserTtl, deps.deadline, (deadline) => createOrFindUser(deps, deadline, name), vonageUserId,
  );
}

async function createOrFindUser(deps: UserDeps, deadline: Deadline, name: string): Promise<unknown> {
  await deps.countCreation();
  const { Users } = require('@vonage/users') as typeof import('@vonage/users');
  // A user, and a page of users, are JSON objects.
  const users = vonageClient(Users, deps.config, {
    apiHost: deps.apiHost, timeoutMs: deps.timeoutMs, deadline, isAnswer: isJsonObject, metrics: deps.metrics, upstream: 'vonage_users',
  });
  return callVonage('the Users request', async () => {
    try {
      return (await users.createUser({ name })).id;
    } catch (error) {
      if (answerStatus(error) !== 409) throw error;
    }
    const page = await users.getUserPage({ name });
    const listed: unknown = page._embedded?.users;
    return Array.isArray(listed) ? listed.find((user) => isJsonObject(user) && user.name === name)?.id : undefined;
  });
}

/** A user id is answered to the caller and remembered for a day: it must be one Vonage issues. */
function vonageUserId(value: unknown): string {
  if (typeof value !== 'string' || !userIdPattern.test(value)) {
    throw new Problem('upstream_error', 'The Vonage user for this identity has no id as Vonage issues them (USR- and a UUID).');
  }
  return value;
}
