import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { parseEnv } from 'node:util';
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { getConfigFromFlags } from 'twilio-run/dist/config/deploy';
import { builder as deployOptions } from 'twilio-run/dist/commands/deploy';
import type { Argv } from 'yargs';
import { readFileIfPresent } from '../core/config/secret-file';

/** What `twilio-run deploy` is about to do, worked out offline by twilio-run's own code. */
export interface DeployPlan {
  /** The Environment Variables it uploads: `.env` as twilio-run parses it, blanks, ACCOUNT_SID and AUTH_TOKEN dropped. */
  variables: Readonly<Record<string, string>>;
  /** The same `.env` as every local command reads it (`util.parseEnv`), to catch lines the two read differently. */
  localVariables: Readonly<Record<string, string>>;
  /** The deploy's own credentials, and where each came from: a flag or `.env`. */
  credentials: {
    username: string;
    password: string;
    usernameFrom: '--username' | 'ACCOUNT_SID';
    passwordFrom: '--password' | 'AUTH_TOKEN';
  };
  /** ACCOUNT_SID in `.env`: the account a deploy with an API key most likely belongs to. */
  envAccountSid?: string;
  functions: readonly PlannedFile[];
  assets: readonly PlannedFile[];
  /** The `--env` file read, for messages. */
  envPath: string;
}

export interface PlannedFile {
  /** The URL path (or, for a private asset, the `Runtime.getAssets()` key). */
  path: string;
  access: 'public' | 'protected' | 'private';
  content: string | Buffer;
  filePath: string;
}

/**
 * Reads `args` (what follows `npm run deploy --`) with twilio-run's own deploy options, and asks
 * twilio-run's config reader and its file lister what a deploy with them would upload: the same
 * `.env`, `.twilioserverlessrc`, folders and flags the real deploy reads, and nothing fetched.
 *
 * @example (await deployPlan(['--production'])).variables // { API_KEY: 'SK…', … }
 */
export async function deployPlan(args: readonly string[]): Promise<DeployPlan> {
  // The yargs twilio-run itself parses its flags with.
  const yargs = createRequire(require.resolve('twilio-run/package.json'))('yargs') as (args: string[]) => Argv;
  const flags = deployOptions(yargs([...args]).help(false).version(false).exitProcess(false)).parseSync();
  const config = await getConfigFromFlags(flags);
  const { functions, assets } = await getListOfFunctionsAndAssets(config.cwd, {
    functionsFolderNames: config.functionsFolderName ? [config.functionsFolderName] : undefined,
    assetsFolderNames: config.assetsFolderName ? [config.assetsFolderName] : undefined,
  });
  const envText = readFileIfPresent(config.envPath, basename(config.envPath)) ?? '';
  const localVariables = parseEnv(envText) as Record<string, string>;
  return {
    variables: Object.fromEntries(Object.entries(config.env).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    localVariables,
    credentials: {
      username: config.username,
      password: config.password,
      usernameFrom: flags.username ? '--username' : 'ACCOUNT_SID',
      passwordFrom: flags.password ? '--password' : 'AUTH_TOKEN',
    },
    envAccountSid: localVariables.ACCOUNT_SID?.trim() || undefined,
    functions: config.noFunctions ? [] : functions.map(planned),
    assets: config.noAssets ? [] : assets.map(planned),
    envPath: config.envPath,
  };
}

function planned(file: { path: string; access: string; content: string | Buffer; filePath: string }): PlannedFile {
  return { path: file.path, access: file.access as PlannedFile['access'], content: file.content, filePath: file.filePath };
}
