import { Problem } from '../problem';

/**
 * Variables that are required but unset, all named in one `config_missing` problem.
 *
 * @example missingConfig(['API_KEY', 'API_SECRET']).message // 'Set API_KEY, API_SECRET in the environment or .env file.'
 */
export function missingConfig(names: readonly string[]): Problem {
  return new Problem('config_missing', `Set ${names.join(', ')} in the environment or .env file.`);
}

/** A malformed variable: the message names it and says what it should be, never what it holds. */
export function invalidConfig(name: string, expected: string): Problem {
  return new Problem('config_invalid', `${name} is not ${expected}.`);
}

