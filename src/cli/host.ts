import { join, parse } from 'node:path';
import { Config, loadConfig } from '../core/config/config';
import type { Env } from '../core/config/env';
import { withEnvFile } from '../core/config/env-file';
import { readFileIfPresent } from '../core/config/secret-file';
import type { CommandIo } from './command';

/**
 * The command line's configuration, loaded as the hosts load theirs: the environment over `.env`
 * in the working directory (the one rule of `withEnvFile`), and private assets from `assets/`
 * named as Twilio deploys them (`/vonage-private.key` is `assets/vonage-private.private.key`).
 * `overrides` win over both. It is the command line's one configuration seam: `mint` and `verify`
 * take everything from the Config it returns.
 *
 * @example loadCliConfig({ env: process.env, cwd: process.cwd() }).vendors // ['twilio']
 */
export function loadCliConfig(io: Pick<CommandIo, 'env' | 'cwd'>, overrides: Env = {}): Config {
  return loadConfig({ ...withEnvFile(io.env, io.cwd), ...overrides }, (path) => {
    const { name, ext } = parse(path);
    return readFileIfPresent(join(io.cwd, 'assets', `${name}.private${ext}`), `assets/${name}.private${ext}`);
  });
}
