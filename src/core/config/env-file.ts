import { relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { Env } from './env';
import { Problem } from '../problem';
import { readFileIfPresent } from './secret-file';

/**
 * The variables a local command runs with (`npm start`, `npm run serve`, `rtc-token`): the process
 * environment over a `.env` file. One rule for all of them:
 * - the file is `file` when given (relative to `cwd`; it must exist), else `.env` in `cwd` when there
 *   is one: twilio-run's `--env` rule, so `-- --env staging.env` means the same to every command;
 * - it is read with Node's own parser (`util.parseEnv`, the rules of `node --env-file`);
 * - a variable set in the environment wins over the file, as with dotenv and `node --env-file`,
 *   unless it is blank: the configuration treats a blank variable as unset everywhere.
 *
 * @example withEnvFile({ PORT: '8080' }, '/srv/app').PORT // '8080', whatever .env says
 */
export function withEnvFile(env: Env, cwd: string, file?: string): Env {
  const path = resolve(cwd, file ?? '.env');
  const text = readFileIfPresent(path, relative(cwd, path));
  if (text === undefined && file !== undefined) throw new Problem('config_missing', `The file ${file} does not exist.`);
  const merged: Record<string, string | undefined> = text === undefined ? {} : parseEnv(text);
  for (const [name, value] of Object.entries(env)) {
    if (value?.trim() || merged[name] === undefined) merged[name] = value;
  }
  return merged;
}
