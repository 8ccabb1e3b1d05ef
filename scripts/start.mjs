// `npm start`: serves the built functions and assets with twilio-run, as Twilio's runtime would,
// for development: on 127.0.0.1 only unless HOST says otherwise (e.g. HOST=0.0.0.0).
// twilio-run reads .env itself; --load-local-env also passes the process environment, which is
// how demo credentials reach the functions without ever touching the disk. Extra arguments go to
// twilio-run (e.g. `npm start -- --env other.env`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { printDemoNotice, withDemoCredentials } from './demo-credentials.mjs';

const require = createRequire(import.meta.url);
const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
const port = process.env.PORT || '3000';
const extraArgs = process.argv.slice(2);
const envFlag = extraArgs.indexOf('--env');
const dotenvPath = envFlag >= 0 ? extraArgs[envFlag + 1] : '.env';

const { env, notices, realCredentials, authMode } = withDemoCredentials(process.env, { dotenvPath, privateAssetPath: 'assets/vonage-private.private.key' });
printDemoNotice(notices);
const host = env.HOST || '127.0.0.1';
if (realCredentials && authMode === 'none') {
  console.warn(`WARNING: AUTH_MODE is none and real credentials are configured: anyone who can reach ${host}:${port}\n` +
    '  gets tokens for any identity, signed with them. Set AUTH_MODE (see README, "Caller authentication").');
}

// DEBUG=* is a common first step when something fails; keep it safe. twilio-run's runtime handler
// prints every Function context variable (secrets and keys included) and every event, express's
// router prints each request's URL with its query (a passcode parameter included), the Vonage
// SDKs print each request's headers (the application JWT included), and ioredis prints each command
// with its arguments (the AUTH password included).
if (env.DEBUG) env.DEBUG += ',-twilio-runtime-handler:*,-express:router*,-vonage*,-ioredis*';

const bindHost = fileURLToPath(new URL('bind-host.cjs', import.meta.url));
const child = spawn(process.execPath, ['--require', bindHost, twilioRun, 'start', '--port', port, '--load-local-env', ...extraArgs], { env, stdio: 'inherit' });
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
// A stop we asked for is a clean exit; twilio-run dying on its own is not.
child.on('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));
