import type { StateStore } from '../state/store';

/** Creations under way on this replica, per store and key. */
const pending = new WeakMap<StateStore, Map<string, Promise<string>>>();

/**
 * The value the store remembers under `key`, or else the one `create` makes, remembered for
 * `ttlSeconds`. When callers race, on this replica or on several, the first value stored wins and
 * every caller gets it: a loser's value is dropped. Callers on one replica share a single `create`,
 * so a burst of first requests costs one upstream call per replica.
 *
 * @example await rememberOrCreate(store, 'vonage:room:standup', 86400, createSession)
 */
export async function rememberOrCreate(store: StateStore, key: string, ttlSeconds: number, create: () => Promise<string>): Promise<string> {
  const known = await store.get(key);
  if (known !== undefined) return known;
  let creations = pending.get(store);
  if (!creations) {
    creations = new Map();
    pending.set(store, creations);
  }
  let creation = creations.get(key);
  if (!creation) {
    const forKey = creations;
    creation = create()
      .then((value) => store.setIfAbsent(key, value, ttlSeconds))
      .finally(() => forKey.delete(key));
    creations.set(key, creation);
  }
  return creation;
}
