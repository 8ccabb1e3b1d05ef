import { Env, invalidConfig, readVar } from '../config/env';
import { Problem } from '../problem';
import { Params, readParam } from '../request/params';

/**
 * The platforms an app names in `platform`. Voice and Conversations deliver incoming calls and
 * messages through APNs on iOS and FCM on Android, each with its own Push Credential (CR…) in
 * the token; a token with the wrong one or none gets no notifications (Twilio answers 52xxx when
 * the app registers). Twilio's React Native voice app server picks the credential the same way.
 */
export const platforms = ['ios', 'android', 'web'] as const;
export type Platform = (typeof platforms)[number];

/** One grant's Push Credential SIDs: the platform's own, else `default`; none when both are unset. */
export interface PushCredentials {
  default?: string;
  ios?: string;
  android?: string;
}

/** The variables behind one grant's credentials: `base` is the default, `base_IOS` and `base_ANDROID` the platforms'. */
export function pushCredentialVariables(base: string): [string, string, string] {
  return [base, `${base}_IOS`, `${base}_ANDROID`];
}

const pushCredentialSid = /^CR[0-9a-fA-F]{32}$/;

/**
 * Reads a grant's Push Credential SIDs, each validated by name.
 *
 * @example readPushCredentials({ VOICE_PUSH_CREDENTIAL_SID_IOS: 'CR…' }, 'VOICE_PUSH_CREDENTIAL_SID') // { ios: 'CR…' }
 */
export function readPushCredentials(env: Env, base: string): PushCredentials {
  const [fallback, ios, android] = pushCredentialVariables(base).map((name) => {
    const value = readVar(env, name);
    if (value !== undefined && !pushCredentialSid.test(value)) {
      throw invalidConfig(name, 'a Push Credential SID (CR followed by 32 hex characters)');
    }
    return value;
  });
  return { default: fallback, ios, android };
}

/**
 * The credential a token for `platform` carries: the platform's own, else the default. Web has
 * none of its own (the browser SDKs take no push credential), so it gets the default, as a
 * request that names no platform does.
 *
 * @example pushCredentialFor({ default: 'CRaa…', ios: 'CRbb…' }, 'android') // 'CRaa…'
 */
export function pushCredentialFor(credentials: PushCredentials, platform: Platform | undefined): string | undefined {
  const own = platform === 'ios' ? credentials.ios : platform === 'android' ? credentials.android : undefined;
  return own ?? credentials.default;
}

/**
 * The request's `platform`, or undefined when absent.
 *
 * @example readPlatform({ platform: 'ios' }) // 'ios'
 */
export function readPlatform(params: Params): Platform | undefined {
  const value = readParam(params, 'platform', 'param_invalid');
  if (value === undefined) return undefined;
  if (!(platforms as readonly string[]).includes(value)) {
    throw new Problem('param_invalid', `platform must be one of ${platforms.join(', ')}.`);
  }
  return value as Platform;
}
