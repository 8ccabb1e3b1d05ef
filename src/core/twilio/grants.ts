import { grantForbidden } from '../auth/caller';
import { Problem } from '../problem';
import { TwilioConfig } from './config';

/** The grants `/token` can put in an Access Token, in the order answers list them. */
export const twilioGrantNames = ['video', 'chat', 'voice', 'sync'] as const;
export type TwilioGrantName = (typeof twilioGrantNames)[number];

/** The variable that makes each optional grant available, for error messages. */
const enabledBy: Record<Exclude<TwilioGrantName, 'video'>, string> = {
  chat: 'SERVICE_SID',
  voice: 'OUTGOING_SID',
  sync: 'SYNC_SERVICE_SID',
};

/** Grants this deployment has configured. Video needs nothing beyond the credentials. */
export function availableGrants(config: TwilioConfig): TwilioGrantName[] {
  return twilioGrantNames.filter((name) =>
    name === 'video' ? true
      : name === 'chat' ? config.chatServiceSid !== undefined
        : name === 'voice' ? config.voice !== undefined
          : config.syncServiceSid !== undefined);
}

/**
 * The grants a token will carry: every available grant by default, or the requested subset.
 * The server decides what is available; a grants claim in the caller's credentials (`allowed`)
 * narrows the default and forbids asking for more; a caller can only narrow it further.
 *
 * @example resolveGrants(['voice', 'video'], config) // ['video', 'voice']
 */
export function resolveGrants(
  requested: readonly string[] | undefined, config: TwilioConfig, allowed?: ReadonlySet<string>,
): TwilioGrantName[] {
  const available = availableGrants(config);
  if (requested === undefined) {
    const permitted = allowed ? available.filter((name) => allowed.has(name)) : available;
    if (permitted.length === 0) throw grantForbidden('Your credentials allow none of the grants this deployment offers.');
    return permitted;
  }
  const known = new Set<string>(twilioGrantNames);
  if (requested.length === 0 || !requested.every((name) => known.has(name))) {
    throw new Problem('grant_invalid', `grants must be a comma-separated subset of ${twilioGrantNames.join(', ')}.`);
  }
  const wanted = twilioGrantNames.filter((name) => requested.includes(name));
  const unavailable = wanted.find((name) => !available.includes(name));
  if (unavailable !== undefined && unavailable !== 'video') {
    throw new Problem('grant_unavailable',
      `The ${unavailable} grant is not configured on this deployment (the server sets ${enabledBy[unavailable]}).`);
  }
  const forbidden = allowed ? wanted.filter((name) => !allowed.has(name)) : [];
  if (forbidden.length > 0) throw grantForbidden(`Your credentials do not allow the ${forbidden.join(', ')} grant.`);
  return wanted;
}
