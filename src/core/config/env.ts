import { Problem } from '../problem';
import { invalidConfig, missingConfig } from './problems';
import { readSecretFile } from './secret-file';

export { invalidConfig, missingConfig };

/** Variables as a host hands them over: `process.env`, a Twilio Function `context`, a parsed `.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables that hold secrets, each with the variables that may name a file holding it
 * instead: `NAME_FILE`, as Docker and Kubernetes secrets and systemd credentials hand them over
 * (`/run/secrets/…`). `VONAGE_PRIVATE_KEY_PATH` predates the convention and is the same as
 * `VONAGE_PRIVATE_KEY_FILE`.
 */
const secretFiles: ReadonlyMap<string, readonly string[]> = new Map([
  ['API_SECRET', ['API_SECRET_FILE']],
  ['AUTH_PASSCODE', ['AUTH_PASSCODE_FILE']],
  ['AUTH_JWT_SECRET', ['AUTH_JWT_SECRET_FILE']],
  ['METRICS_TOKEN', ['METRICS_TOKEN_FILE']],
  // A password travels in the URL.
  ['REDIS_URL', ['REDIS_URL_FILE']],
  ['REDIS_PASSWORD', ['REDIS_PASSWORD_FILE']],
  ['REDIS_SENTINEL_PASSWORD', ['REDIS_SENTINEL_PASSWORD_FILE']],
  ['VONAGE_PRIVATE_KEY', ['VONAGE_PRIVATE_KEY_FILE', 'VONAGE_PRIVATE_KEY_PATH']],
]);

/** Every variable that names a file holding a secret, for hosts that cannot read local files. */
export const secretFileVariables: readonly string[] = [...secretFiles.values()].flat();

/**
 * A variable's value, or undefined when it is unset or blank: Twilio's console and `.env` files
 * both save empty strings for variables a user cleared. A secret may come from the file its
 * `_FILE` form names instead, read with {@link readSecretFile}'s limits; surrounding whitespace,
 * such as the newline that ends most files, is trimmed as from a variable. Both forms set, an
 * unreadable or empty file: `config_invalid`, naming the variables, never a value or the file's text.
 *
 * @example readVar({ TOKEN_TTL: ' 600 ' }, 'TOKEN_TTL') // '600'
 * @example readVar({ API_SECRET_FILE: '/run/secrets/api-secret' }, 'API_SECRET') // the file's text, trimmed
 */
export function readVar(env: Env, name: string): string | undefined {
  const value = plainVar(env, name);
  const fileVars = secretFiles.get(name)?.filter((fileVar) => plainVar(env, fileVar) !== undefined) ?? [];
  if (fileVars.length === 0) return value;
  const given = value === undefined ? fileVars : [name, ...fileVars];
  if (given.length > 1) throw new Problem('config_invalid', `Set only one of ${given.join(', ')}.`);
  const [fileVar] = fileVars;
  const text = readSecretFile(plainVar(env, fileVar)!, fileVar).trim();
  if (text === '') throw invalidConfig(fileVar, 'a file holding a value');
  return text;
}

/**
 * Whether a variable is set, in either form for a secret, without reading any file: for telling
 * which vendors a deployment is set up for, before their configuration is read.
 *
 * @example isSet({ API_SECRET_FILE: '/run/secrets/api-secret' }, 'API_SECRET') // true
 */
export function isSet(env: Env, name: string): boolean {
  return [name, ...(secretFiles.get(name) ?? [])].some((each) => plainVar(env, each) !== undefined);
}

/**
 * The variable that supplies a secret, for messages about its value: the `_FILE` form when that
 * is the one set.
 *
 * @example secretSource({ AUTH_PASSCODE_FILE: '/run/secrets/passcode' }, 'AUTH_PASSCODE') // 'AUTH_PASSCODE_FILE'
 */
export function secretSource(env: Env, name: string): string {
  return secretFiles.get(name)?.find((fileVar) => plainVar(env, fileVar) !== undefined) ?? name;
}

function plainVar(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * The first of several names that is set, with the variable that supplied it (for error
 * messages): a secret's `_FILE` form when the value came from its file.
 */
export function firstVar(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = readVar(env, name);
    if (value !== undefined) return { name: secretSource(env, name), value };
  }
  return undefined;
}

/** Reads required variables, naming every missing one in a single `config_missing` problem. */
export function requireVars<N extends string>(env: Env, names: readonly N[]): Record<N, string> {
  const values = {} as Record<N, string>;
  const missing: N[] = [];
  for (const name of names) {
    const value = readVar(env, name);
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) throw missingConfig(missing);
  return values;
}

/** A variable that must match `pattern` when set. */
export function readMatching(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const value = readVar(env, name);
  if (value !== undefined && !pattern.test(value)) throw invalidConfig(name, expected);
  return value;
}

/** A whole number of seconds in [min, max], or `fallback` when unset. */
export function readSeconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  return readWholeNumber(env, name, fallback, min, max, 'seconds');
}

/** A whole number of milliseconds in [min, max], or `fallback` when unset. */
export function readMilliseconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  return readWholeNumber(env, name, fallback, min, max, 'milliseconds');
}

function readWholeNumber(env: Env, name: string, fallback: number, min: number, max: number, unit: string): number {
  const value = readVar(env, name);
  if (value === undefined) return fallback;
  const number = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    throw invalidConfig(name, `a whole number of ${unit} between ${min} and ${max}`);
  }
  return number;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = readVar(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw invalidConfig(name, 'true or false');
}

/** A comma-separated list, trimmed, without empty entries. */
export function readList(env: Env, name: string): string[] | undefined {
  const value = readVar(env, name);
  return value?.split(',').map((item) => item.trim()).filter(Boolean);
}
