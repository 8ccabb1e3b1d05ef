import { closeSync, openSync, readSync } from 'node:fs';
import { join, parse } from 'node:path';
import { parseEnv } from 'node:util';
import { Config, loadConfig } from '../core/config/config';
import type { Env } from '../core/config/env';
import type { CommandIo } from './command';

/** The most read from `.env` or a key file: both are a few kilobytes, and a larger file is a mistake. */
const maxFileBytes = 64 * 1024;

/**
 * The command line's configuration, loaded as the hosts load theirs: the environment over `.env`
 * in the working directory (the environment wins, as under twilio-run and dotenv), and private
 * assets from `assets/` named as Twilio deploys them (`/vonage-private.key` is
 * `assets/vonage-private.private.key`). `overrides` win over both. It is the command line's one
 * configuration seam: `mint` and `verify` take everything from the Config it returns.
 *
 * @example loadCliConfig({ env: process.env, cwd: process.cwd() }).vendors // ['twilio']
 */
export function loadCliConfig(io: Pick<CommandIo, 'env' | 'cwd'>, overrides: Env = {}): Config {
  const dotEnv = readSmallFile(join(io.cwd, '.env'));
  const env = { ...(dotEnv === undefined ? {} : parseEnv(dotEnv)), ...io.env, ...overrides } as Env;
  return loadConfig(env, (path) => {
    const { name, ext } = parse(path);
    return readSmallFile(join(io.cwd, 'assets', `${name}.private${ext}`));
  });
}

/** A file's text, or undefined when it does not exist; larger than `maxFileBytes` is refused. */
function readSmallFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
  }
  try {
    const buffer = Buffer.alloc(maxFileBytes + 1);
    let size = 0;
    for (let read = -1; read !== 0 && size < buffer.length; size += read) read = readSync(fd, buffer, size, buffer.length - size, size);
    if (size > maxFileBytes) throw new Error(`${path} is larger than ${maxFileBytes / 1024} KB.`);
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
