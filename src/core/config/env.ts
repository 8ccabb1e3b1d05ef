import { Problem } from '../problem';

/** Variables as a host hands them over: `process.env`, a Twilio Function `context`, a parsed `.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A variable's value, or undefined when it is unset or blank: Twilio's console and
 * `.env` files both save empty strings for variables a user cleared.
 *
 * @example readVar({ TOKEN_TTL: ' 600 ' }, 'TOKEN_TTL') // '600'
 */
export function readVar(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The first of several names that is set, with the name that supplied it (for error messages). */
export function firstVar(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = readVar(env, name);
    if (value !== undefined) return { name, value };
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

export function missingConfig(names: readonly string[]): Problem {
  return new Problem('config_missing', `Set ${names.join(', ')} in the environment or .env file.`);
}

/** A malformed variable: the message names it and says what it should be, never what it holds. */
export function invalidConfig(name: string, expected: string): Problem {
  return new Problem('config_invalid', `${name} is not ${expected}.`);
}

/** A variable that must match `pattern` when set. */
export function readMatching(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const value = readVar(env, name);
  if (value !== undefined && !pattern.test(value)) throw invalidConfig(name, expected);
  return value;
}

/** A whole number of seconds in [min, max], or `fallback` when unset. */
export function readSeconds(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = readVar(env, name);
  if (value === undefined) return fallback;
  const seconds = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw invalidConfig(name, `a whole number of seconds between ${min} and ${max}`);
  }
  return seconds;
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
