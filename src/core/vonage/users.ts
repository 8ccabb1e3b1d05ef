import type { Metrics } from '../metrics/metrics';
import { Problem } from '../problem';
import type { StateStore } from '../state/store';
import type { AppCredentials } from './app-jwt';
import { rememberOrCreate } from './remembered';
import { answerStatus, callVonage, vonageClient } from './upstream';

export interface UserDeps {
  store: StateStore;
  config: AppCredentials;
  /** @vonage/users' `apiHost`; unset means Vonage's production host. */
  apiHost?: string;
  /** One deadline for the whole exchange, a create and, for an existing user, the lookup. */
  timeoutMs: number;
  /** Where each request to Vonage is counted. */
  metrics?: Metrics;
}

/**
 * A day: a user deleted in Vonage's dashboard meanwhile is not re-created until its entry expires,
 * while a known user costs no API call.
 */
const knownUserTtl = 86400;

/**
 * The id of the Vonage user named `name` (`USR-…`), creating the user on first use. A user that
 * already exists (Vonage answers 409) is looked up by name instead. Known users are remembered in
 * the shared store, so they cost no API call.
 *
 * @example await ensureUser(deps, 'alice') // 'USR-…'
 */
export function ensureUser(deps: UserDeps, name: string): Promise<string> {
  return rememberOrCreate(deps.store, `vonage:user:${name}`, knownUserTtl, () => createOrFindUser(deps, name));
}

async function createOrFindUser(deps: UserDeps, name: string): Promise<string> {
  const { Users } = require('@vonage/users') as typeof import('@vonage/users');
  const deadline = Date.now() + deps.timeoutMs;
  const users = () => vonageClient(Users, deps.config, {
    apiHost: deps.apiHost, timeoutMs: Math.max(1, deadline - Date.now()), metrics: deps.metrics, upstream: 'vonage_users',
  });
  const id = await callVonage('the Users request', deps.timeoutMs, async () => {
    try {
      return (await users().createUser({ name })).id;
    } catch (error) {
      if (answerStatus(error) !== 409) throw error;
    }
    const page = await users().getUserPage({ name });
    return page._embedded?.users?.find((user) => user.name === name)?.id;
  });
  if (typeof id !== 'string' || id === '') {
    throw new Problem('upstream_error', "Vonage's answer to the Users request has no user id.");
  }
  return id;
}
