import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Jest global setup: the integration tests run against the real build output. */
export default function buildOnce(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
