// `npm start`: serves the built functions and assets with twilio-run, as Twilio's runtime would.
// twilio-run reads .env itself; --load-local-env also passes the process environment, which is
// how demo credentials reach the functions without ever touching the disk.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { withDemoCredentials, printDemoNotice } from './demo-credentials.mjs';

const require = createRequire(import.meta.url);
const twilioRun = require.resolve('twilio-run/bin/twilio-run.js');
const port = process.env.PORT || '3000';

const { env, notices } = withDemoCredentials(process.env, { privateAssetPath: 'assets/vonage-private.private.key' });
printDemoNotice(notices);

const child = spawn(process.execPath, [twilioRun, 'start', '--port', port, '--load-local-env'], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
