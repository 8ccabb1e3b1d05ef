import { Config } from '../config/config';
import { LogFields } from '../log';
import { Problem } from '../problem';

/**
 * The warning a host logs once when it serves tokens without authentication: anyone who can reach
 * it gets tokens for any identity. Undefined when authentication is on (or its configuration is
 * broken, which the host reports instead).
 */
export function openAccessWarning(config: Config): LogFields | undefined {
  if (config.auth instanceof Problem || config.auth.mode !== 'none') return undefined;
  return {
    level: 'warn', event: 'auth_disabled',
    message: 'AUTH_MODE is none: anyone who can reach this service gets tokens for any identity. Set AUTH_MODE (see README).',
  };
}
