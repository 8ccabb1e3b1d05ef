import type { Deadline } from '../deadline';
import type { StateStore } from '../state/store';

/** A creation under way on this replica, and how many of the requests waiting for it are still there. */
interface Creation {
  value: Promise<string>;
  waiting: number;
  /** Aborted when the last waiting request's client has gone: the upstream calls stop. */
  abandoned: AbortController;
}

/** Creations under way on this replica, per store and key. */
const pending = new WeakMap<StateStore, Map<string, Creation>>();

/**
 * The value the store remembers under `key`, or else the one `create` makes, remembered for
 * `ttlSeconds`. `check` returns a value of the right shape or throws: a value from the vendor is
 * checked before it is stored, one from the store before it is used. When callers race, on this
 * replica or on several, the first value stored wins and every caller gets it: a loser's value is
 * dropped. Callers on one replica share a single `create`,
 * so a burst of first requests costs one upstream call per replica. It runs within the first
 * caller's deadline and stops only when every caller waiting for it has gone; a caller whose
 * client goes stops waiting at once.
 *
 * @example await rememberOrCreate(store, 'vonage:room:standup', 86400, request.deadline, createSession, videoSessionId)
 */
export async function rememberOrCreate(
  store: StateStore, key: string, ttlSeconds: number, deadline: Deadline,
  create: (deadline: Deadline) => Promise<unknown>, check: (value: unknown) => string,
): Promise<string> {
  const known = await store.get(key);
  if (known !== undefined) return check(known);
  let creations = pending.get(store);
  if (!creations) {
    creations = new Map();
    pending.set(store, creations);
  }
  let creation = creations.get(key);
  if (!creation) {
    const forKey = creations;
    const abandoned = new AbortController();
    creation = {
      waiting: 0,
      abandoned,
      value: create(deadline.sharedBy(abandoned))
        .then((value) => store.setIfAbsent(key, check(value), ttlSeconds))
        .then(check)
        .finally(() => forKey.delete(key)),
    };
    // Every caller may have left before it settles: its failure then has nobody to go to.
    creation.value.catch(() => undefined);
    creations.set(key, creation);
  }
  return waitFor(creation, deadline.clientGone);
}

/** The creation's value, or the client's leaving, whichever comes first. */
function waitFor(creation: Creation, clientGone: AbortSignal | undefined): Promise<string> {
  creation.waiting++;
  if (clientGone === undefined) return creation.value;
  return new Promise((resolve, reject) => {
    const leave = () => {
      if (--creation.waiting === 0) creation.abandoned.abort();
      reject(clientGone.reason);
    };
    if (clientGone.aborted) return leave();
    clientGone.addEventListener('abort', leave, { once: true });
    creation.value.then(resolve, reject).finally(() => clientGone.removeEventListener('abort', leave));
  });
}
