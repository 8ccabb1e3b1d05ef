import { spawnSync } from 'node:child_process';
import { deployPlan, DeployPlan } from './plan';
import { Preflight, preflight } from './preflight';

/** Ours; every other argument after `npm run deploy --` is twilio-run's (`--production`, `--env`, `--service-name` …). */
const allowOpenAccessFlag = '--allow-open-access';

/**
 * Entry of `npm run deploy` (`build/deploy/deploy.js`, after the build): checks, fastest first,
 * then hands over to `twilio-run deploy` with the same arguments.
 * 1. The preflight (`preflight.ts`) judges what twilio-run is about to upload. Any problem: one
 *    line each, exit 1, and nothing has been sent anywhere.
 * 2. The type check (`npm run typecheck`), which takes ~30 s: after the preflight, so a mistake
 *    in `.env` is reported in a second.
 * 3. twilio-run deploy.
 */
async function main(args: string[]): Promise<number> {
  const allowOpenAccess = args.includes(allowOpenAccessFlag);
  const twilioRunArgs = args.filter((arg) => arg !== allowOpenAccessFlag);
  if (!twilioRunArgs.some((arg) => arg === '--help' || arg === '-h')) {
    const plan = await deployPlan(twilioRunArgs);
    const checked = preflight(plan, { allowOpenAccess });
    if (checked.problems.length > 0) {
      console.error(`npm run deploy: not deployed, nothing was sent to Twilio:\n${checked.problems.map((line) => `  - ${line}`).join('\n')}`);
      return 1;
    }
    console.log(`npm run deploy: ${summary(plan, checked)}`);
    const typecheck = runNpm(['run', '--silent', 'typecheck']);
    if (typecheck !== 0) {
      console.error('npm run deploy: not deployed: the type check failed.');
      return typecheck;
    }
  }
  const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
  return spawnSync(process.execPath, [twilioRun, 'deploy', ...twilioRunArgs], { stdio: 'inherit' }).status ?? 1;
}

function summary(plan: DeployPlan, checked: Preflight): string {
  const privateAssets = plan.assets.filter((asset) => asset.access === 'private').length;
  return `checks passed for ${checked.vendors.join(' and ')}: ${Object.keys(plan.variables).length} variables, `
    + `${plan.functions.length} Functions, ${plan.assets.length} assets (${privateAssets} private). Type-checking, then deploying.`;
}

/** npm itself, as npm started us (`npm_execpath`), so the type check is the one package.json defines. */
function runNpm(args: string[]): number {
  const npm = process.env.npm_execpath;
  if (npm === undefined) throw new Error('run this as npm run deploy.');
  return spawnSync(process.execPath, [npm, ...args], { stdio: 'inherit' }).status ?? 1;
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error: unknown) => {
    console.error(`npm run deploy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
