import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { buildDir, root } from './server';

export const rtcToken = join(buildDir, 'cli', 'rtc-token.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `rtc-token` as a user would, with only `env` as its environment (no developer
 * .env or shell variables), in `cwd` (the repository by default), feeding `input` on stdin.
 */
export function runCli(
  args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [rtcToken, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH, ...options.env },
      timeout: 20000,
    }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** `inspect --json` as an object, with the exit status. */
export async function inspectJson(token: string, ...args: string[]) {
  const result = await runCli(['inspect', token, '--json', ...args]);
  return { status: result.status, report: JSON.parse(result.stdout) as InspectReport, stderr: result.stderr };
}

export interface InspectReport {
  kind: string;
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  findings: Array<{ severity: string; code: string; message: string; vendorAnswer: string; vendorCode?: number | string }>;
}
