import { basename, extname } from 'node:path';
import { openAccessWarning } from '../core/auth/open-access';
import { configProblems, loadConfig, ReadAsset, Vendor } from '../core/config/config';
import { demoVariables } from '../core/config/demo';
import { secretFileVariables } from '../core/config/env';
import type { DeployPlan, PlannedFile } from './plan';
import { variableSizeProblems } from './variable-limits';

export interface Preflight {
  /** One line per problem; empty means the deploy may go. */
  problems: string[];
  /** The vendors the uploaded variables (and the private key asset) set up. */
  vendors: readonly Vendor[];
}

export interface PreflightOptions {
  /** `--allow-open-access`: deploy with `AUTH_MODE=none` on purpose. */
  allowOpenAccess: boolean;
}

/**
 * Twilio gives deployed Functions their account's SID. When the deploy signs in with an API key
 * and `.env` has no ACCOUNT_SID, which account that is cannot be known offline; any well-formed
 * SID stands in for it, since only the other variables are being judged.
 */
const unknownAccountSid = `AC${'f'.repeat(32)}`;
const sidOrKey = /^(AC|SK)[0-9a-fA-F]{32}$/;
const privateKeyPem = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Everything that keeps a deploy from working, one line each, naming the variable (or file, or
 * flag) and never a value: the deploy's own credentials, `.env` lines twilio-run reads differently
 * from the local commands, Twilio's variable limits, a key that would be served to anyone, and the
 * configuration the deployed Functions would load (the uploaded variables, the account SID Twilio
 * supplies and the private key asset), judged by the same `loadConfig` as every host, demo
 * credentials and open access included.
 *
 * @example preflight(await deployPlan(args), { allowOpenAccess: false }).problems
 * // ['API_KEY is not an API Key SID (SK followed by 32 hex characters).']
 */
export function preflight(plan: DeployPlan, options: PreflightOptions): Preflight {
  const readAsset = privateAssetReader(plan.assets);
  const setUp = loadConfig(plan.variables, readAsset).vendors;
  const { username } = plan.credentials;
  const accountSid = username.startsWith('AC') ? username : plan.envAccountSid ?? unknownAccountSid;
  const functionsEnv = setUp.includes('twilio') ? { ...plan.variables, ACCOUNT_SID: accountSid } : plan.variables;
  const config = loadConfig(functionsEnv, readAsset);

  const problems = [
    ...credentialProblems(plan.credentials),
    ...parsingProblems(plan),
    ...variableSizeProblems(plan.variables),
    ...exposedKeyProblems(plan.assets),
    ...secretFileProblems(plan.variables),
    ...configProblems(config).map((problem) => problem.message),
  ];
  if (setUp.length === 0) {
    problems.push('Neither vendor is set up: set API_KEY and API_SECRET (for /token), or VONAGE_APPLICATION_ID and the key '
      + 'in assets/vonage-private.private.key (for /vonage-token), in .env.');
  }
  const demo = demoVariables({ ...functionsEnv, ACCOUNT_SID: accountSid }, [...Object.keys(plan.variables), 'ACCOUNT_SID']);
  for (const name of demo) {
    problems.push(`${name} holds a demo value, the kind npm start makes: Twilio and Vonage reject every token signed with it. Set your own.`);
  }
  if (!options.allowOpenAccess && setUp.length > 0 && openAccessWarning(config) !== undefined) {
    problems.push('AUTH_MODE is none: the deployed service would give anyone a token for any identity. Set AUTH_MODE '
      + '(passcode, jwt or vonage), or deploy it open on purpose: npm run deploy -- --allow-open-access');
  }
  return { problems, vendors: setUp };
}

function credentialProblems({ username, password, usernameFrom, passwordFrom }: DeployPlan['credentials']): string[] {
  if (!username || !password) {
    return ['No credentials for the deploy itself: set ACCOUNT_SID and AUTH_TOKEN in .env (only the deploy reads them, and '
      + 'never uploads them), or pass them: npm run deploy -- --username AC… --password <auth token> (an API key SID and secret work too).'];
  }
  if (!sidOrKey.test(username)) {
    return [`${usernameFrom} is not an Account SID (AC followed by 32 hex characters) or an API Key SID (SK…), which the deploy signs in with.`];
  }
  if (/\s/.test(password)) return [`${passwordFrom} holds whitespace, which no auth token or API secret does.`];
  return [];
}

/**
 * twilio-run parses `.env` with dotenv 6, which keeps an inline `# comment` in the value, skips
 * `export NAME=` lines and reads one line per value; every other command reads it with Node's
 * parser. A variable the two read differently would be deployed with a value nobody tested.
 */
function parsingProblems(plan: DeployPlan): string[] {
  const names = new Set([...Object.keys(plan.localVariables), ...Object.keys(plan.variables)]);
  names.delete('ACCOUNT_SID');
  names.delete('AUTH_TOKEN');
  return [...names].filter((name) => {
    const local = plan.localVariables[name]?.trim() || undefined;
    const deployed = plan.variables[name]?.trim() || undefined;
    // A blank line that twilio-run's --load-system-env fills from the environment is no difference.
    if (local === undefined) return deployed !== undefined && !Object.hasOwn(plan.localVariables, name);
    return local !== deployed;
  }).map((name) => `${name}: twilio-run, which deploys, reads its line in ${basename(plan.envPath)} differently from npm start `
    + 'and npm run serve (an inline # comment, an "export" prefix or a value over several lines). '
    + `Write it as ${name}=value on one line, in quotes if the value holds # or spaces.`);
}

/**
 * A `_FILE` variable names a file on this machine, which deployed Functions cannot read: the
 * secret must travel as the variable itself, or the Vonage key as the private asset.
 */
function secretFileProblems(variables: Readonly<Record<string, string>>): string[] {
  return secretFileVariables.filter((name) => variables[name]?.trim()).map((name) => {
    const secret = name.startsWith('VONAGE_PRIVATE_KEY') ? 'the key as the private asset assets/vonage-private.private.key' : name.replace(/_FILE$/, '');
    return `${name} names a file on this machine, which deployed Functions cannot read: deploy ${secret} instead.`;
  });
}

/** Any file holding a private key that twilio-run would deploy where anyone can fetch it. */
function exposedKeyProblems(assets: readonly PlannedFile[]): string[] {
  return assets.filter((asset) => asset.access !== 'private' && privateKeyPem.test(asset.content.toString()))
    .map((asset) => {
      const ext = extname(asset.filePath);
      return `${asset.filePath} holds a private key and would be served to anyone at ${asset.path}. `
        + `Name it ${basename(asset.filePath, ext).replace(/\.protected$/, '')}.private${ext} to deploy it as a private asset.`;
    });
}

/** Private assets by their path, as `Runtime.getAssets()` hands them to deployed Functions. */
function privateAssetReader(assets: readonly PlannedFile[]): ReadAsset {
  const files = new Map(assets.filter((asset) => asset.access === 'private').map((asset) => [asset.path, asset.content.toString()]));
  return (path) => files.get(path);
}
