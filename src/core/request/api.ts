import type { JsonSchema, ParamSpec } from '../openapi/spec';
import { text } from '../openapi/spec';
import { identityRule } from './identity';
import { minTtl } from './ttl';

/** `identity`, as `resolveIdentity` reads it: required unless verified credentials prove one. */
export const identityParam: ParamSpec = {
  name: 'identity',
  description: `Who the token is for: 1–${identityRule.maxLength} characters under the identity rule (no whitespace, `
    + 'no control, invisible or bidi characters, Unicode NFC). Required unless verified credentials prove an identity; '
    + 'then it may be left out or repeat that one (`identity_mismatch` otherwise).',
  text: text(identityRule.maxLength),
  refusals: ['identity_missing', 'identity_invalid', 'identity_mismatch'],
};

/**
 * `ttl`, as `resolveTtl` reads it: whole seconds from 60 to the deployment's maximum, which is at
 * most `max`.
 *
 * @example ttlParam(86400, 'TOKEN_TTL', 'TOKEN_MAX_TTL')
 */
export function ttlParam(max: number, defaultVariable: string, maxVariable: string): ParamSpec {
  const seconds: JsonSchema = { type: 'integer', minimum: minTtl, maximum: max };
  return {
    name: 'ttl',
    description: `Lifetime in whole seconds, ${minTtl} to \`${maxVariable}\` (at most ${max}). Default \`${defaultVariable}\`.`,
    text: seconds,
    json: { oneOf: [seconds, { type: 'string', pattern: '^[0-9]{1,9}$' }] },
    refusals: ['ttl_invalid'],
  };
}

/** `passcode`, as `authenticate` reads it with `AUTH_MODE=passcode` when no bearer token is sent. */
export const passcodeParam: ParamSpec = {
  name: 'passcode',
  description: 'With `AUTH_MODE=passcode`: the passcode, when it is not sent as `Authorization: Bearer <passcode>`. '
    + 'Body only: in the query string it is refused with `credentials_in_url`, since URLs end up in proxy, browser and server logs.',
  text: { type: 'string' },
  refusals: ['auth_required', 'auth_invalid', 'credentials_in_url'],
  bodyOnly: true,
};
