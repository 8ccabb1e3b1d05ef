import { parseArgs } from 'node:util';
import type { Env } from '../core/config/env';

/** What a command may touch: given by `main.ts`, so commands read no globals and tests can run them. */
export interface CommandIo {
  /** Writes the command's answer (stdout). */
  out(text: string): void;
  /** Writes diagnostics (stderr). */
  err(text: string): void;
  /** The whole of standard input, for `-` arguments. */
  readStdin(): Promise<string>;
  /** The process's environment; configuration readers merge `.env` under it. */
  env: Env;
  /** The working directory, where `.env` and `assets/` are looked for. */
  cwd: string;
}

/** A subcommand: `run` answers an exit status (0 success, 1 a failure it reported). */
export interface Command {
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/**
 * A mistake on the command line. `main.ts` prints it with the command's usage on stderr and exits
 * 2, the conventional status for bad usage, so scripts can tell it from a failed check (1).
 */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options of one command, as `node:util` parseArgs declares them. */
type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>;

type Values<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/**
 * `node:util` parseArgs in strict mode, with its errors (unknown option, missing value) turned into
 * UsageErrors that carry the command's usage.
 *
 * @example parseCommandLine(['abc', '--json'], { json: { type: 'boolean' } }, usage)
 *   // { values: { json: true }, positionals: ['abc'] }
 */
export function parseCommandLine<O extends OptionSpecs>(
  args: string[], options: O, usage: string,
): { values: Values<O>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values<O>, positionals };
  } catch (error) {
    // Node's first sentence says it ("Unknown option '--jsn'."); the rest is advice about `--`.
    if (isParseArgsError(error)) throw new UsageError(error.message.split(/(?<=\.) /)[0], usage);
    throw error;
  }
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/**
 * A command whose options are parsed (strictly, mistakes as `UsageError`) and whose `--help` is
 * answered before `run` sees anything.
 *
 * @example export const verifyCommand = defineCommand(usage, options, async ({ values, positionals }, io) => 0);
 */
export function defineCommand<O extends OptionSpecs & { help: { type: 'boolean' } }>(
  usage: string, options: O, run: (parsed: { values: Values<O>; positionals: string[] }, io: CommandIo) => Promise<number>,
): Command {
  return {
    usage,
    async run(args, io) {
      const parsed = parseCommandLine(args, options, usage);
      if (parsed.values.help) {
        io.out(`${usage}\n`);
        return 0;
      }
      return run(parsed, io);
    },
  };
}

/**
 * The instant a command judges times against: `--now <ISO 8601>` when given (tests freeze the
 * clock with it; a developer can ask "is this token still good at 9 tomorrow?"), else the clock.
 */
export function readNow(value: string | undefined, usage: string): Date {
  if (value === undefined) return new Date();
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now must be an ISO 8601 date and time, such as 2026-11-23T14:00:00Z.`, usage);
  }
  return date;
}

/**
 * The token argument: as given, or read from stdin for `-`; surrounding whitespace dropped. The
 * token endpoints' JSON answer stands for its token, so `curl …/token | rtc-token inspect -` works.
 */
export async function readTokenArgument(positionals: string[], io: CommandIo, usage: string): Promise<string> {
  if (positionals.length === 0) throw new UsageError('Give a token, or - to read it from stdin.', usage);
  if (positionals.length > 1) throw new UsageError(`Expected one token, got ${positionals.length} arguments.`, usage);
  const text = (positionals[0] === '-' ? await io.readStdin() : positionals[0]).trim();
  if (text === '') throw new UsageError('The token is empty.', usage);
  return text.startsWith('{') ? tokenInAnswer(text) : text;
}

/**
 * The `token` of an endpoint's JSON answer. A refusal (problem+json) holds none: the error says
 * which, with the problem's own words, so a piped `curl` that was refused explains itself.
 */
function tokenInAnswer(text: string): string {
  let answer: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError();
    answer = parsed as Record<string, unknown>;
  } catch {
    throw new Error('This is neither a token nor a token endpoint\'s JSON answer.');
  }
  if (typeof answer.token === 'string') return answer.token.trim();
  if (typeof answer.code === 'string') {
    throw new Error(`This is the endpoint's refusal, not a token: ${String(answer.title)} (${answer.code}): ${String(answer.detail)}`);
  }
  throw new Error('This JSON holds no token field: it is not a token endpoint\'s answer.');
}
