// `npm start`: serves the built functions and assets with twilio-run, as Twilio's runtime would.
// twilio-run reads .env itself; --load-local-env also passes the process environment, which is
// how demo credentials reach the functions without ever touching the disk. Extra arguments go to
// twilio-run (e.g. `npm start -- --env other.env`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { printDemoNotice, withDemoCredentials } from './demo-credentials.mjs';

const require = createRequire(import.meta.url);
const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
const port = process.env.PORT || '3000';
const extraArgs = process.argv.slice(2);
const envFlag = extraArgs.indexOf('--env');
const dotenvPath = envFlag >= 0 ? extraArgs[envFlag + 1] : '.env';

const { env, notices } = withDemoCredentials(process.env, { dotenvPath, privateAssetPath: 'assets/vonage-private.private.key' });
printDemoNotice(notices);

// twilio-run's runtime handler prints every Function context variable, secrets and keys included,
// under this debug namespace. DEBUG=* is a common first step when something fails; keep it safe.
if (env.DEBUG) env.DEBUG += ',-twilio-runtime-handler:dev:route';

const child = spawn(process.execPath, [twilioRun, 'start', '--port', port, '--load-local-env', ...extraArgs], { env, stdio: 'inherit' });
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
// A stop we asked for is a clean exit; twilio-run dying on its own is not.
child.on('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));
