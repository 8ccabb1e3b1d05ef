import type { Env } from '../core/config/env';
import { Problem } from '../core/problem';
import { Command, CommandIo, UsageError } from './command';

/**
 * Entry of `rtc-token` (built to `build/cli/rtc-token.js`). Commands load on demand, so `inspect`
 * never loads the twilio library and `--help` loads nothing.
 */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  mint: { summary: 'Mint a token with this deployment\'s configuration', load: async () => (await import('./mint')).mintCommand },
  inspect: {
    summary: 'Explain a token and what its vendor would refuse',
    load: async () => (await import('./inspect/command')).inspectCommand,
  },
  verify: { summary: 'Check a token\'s signature with your credentials', load: async () => (await import('./verify')).verifyCommand },
};

const overview = `Usage: rtc-token <command> [options]

Commands:
${Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`).join('\n')}
  help     Show help for a command: rtc-token help <command>

Run rtc-token <command> --help for a command's options.`;

/** Tokens are a few kilobytes; anything far larger on stdin is a mistake, not a token. */
const maxStdinBytes = 64 * 1024;

async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('Give a command.', overview);
  if (name === '--help' || name === '-h') {
    io.out(`${overview}\n`);
    return 0;
  }
  if (name === 'help') {
    if (rest.length === 0) io.out(`${overview}\n`);
    else io.out(`${(await findCommand(rest[0])).usage}\n`);
    return 0;
  }
  return (await findCommand(name)).run(rest, io);
}

async function findCommand(name: string): Promise<Command> {
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new UsageError(`Unknown command '${name}'.`, overview);
  return command.load();
}

/**
 * Every failure ends as a short message, never a stack trace: bad usage with the usage (exit 2),
 * a Problem from the core with its title and detail (exit 1), anything else with its message.
 */
function failureStatus(error: unknown, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.err(`rtc-token: ${error.message}\n\n${error.usage}\n`);
    return 2;
  }
  if (error instanceof Problem) {
    io.err(`${error.title}: ${error.message}\n`);
    return 1;
  }
  io.err(`rtc-token: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxStdinBytes) throw new UsageError(`stdin holds more than ${maxStdinBytes / 1024} KB: that is not a token.`, overview);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const io: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin,
  env: Object.fromEntries(Object.entries(process.env)) as Env,
  cwd: process.cwd(),
};

main(process.argv.slice(2), io).then(
  (status) => { process.exitCode = status; },
  (error: unknown) => { process.exitCode = failureStatus(error, io); },
);
