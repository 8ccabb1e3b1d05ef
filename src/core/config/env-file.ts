import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { Env } from './env';
import { Problem } from '../problem';

/** The most read from `.env` or a key file: both are a few kilobytes, and a larger file is a mistake. */
const maxFileBytes = 64 * 1024;

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
  const text = readSmallFile(path);
  if (text === undefined && file !== undefined) throw new Problem('config_missing', `The file ${file} does not exist.`);
  const merged: Record<string, string | undefined> = text === undefined ? {} : parseEnv(text);
  for (const [name, value] of Object.entries(env)) {
    if (value?.trim() || merged[name] === undefined) merged[name] = value;
  }
  return merged;
}

/**
 * A small file's text, or undefined when it does not exist. Larger than 64 KB, or unreadable, is
 * an error that names the path.
 *
 * @example readSmallFile('.env') // 'ACCOUNT_SID=AC…\n…'
 */
export function readSmallFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Problem('config_invalid', `${path} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
  }
  try {
    const buffer = Buffer.alloc(maxFileBytes + 1);
    let size = 0;
    for (let read = -1; read !== 0 && size < buffer.length; size += read) read = readSync(fd, buffer, size, buffer.length - size, size);
    if (size > maxFileBytes) throw new Problem('config_invalid', `${path} is larger than ${maxFileBytes / 1024} KB.`);
    return buffer.subarray(0, size).toString('utf8');
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem('config_invalid', `${path} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
  } finally {
    closeSync(fd);
  }
}
