import { execFileSync } from 'node:child_process';
import { root } from './server';

/**
 * Runs Vonage's own libraries in a child Node process: they depend on ESM-only packages (uuid,
 * node-fetch) that Node loads but Jest's CommonJS runtime cannot. `Date.now` is pinned there to
 * the test's frozen clock so reference claims line up with ours.
 */
function runVonage(script: string, input: unknown, nowMs: number): unknown {
  const program = `
    Date.now = () => ${nowMs};
    const input = JSON.parse(process.argv[1]);
    const result = (() => { ${script} })();
    process.stdout.write(JSON.stringify(result));
  `;
  const out = execFileSync(process.execPath, ['-e', program, JSON.stringify(input)], { cwd: root, env: { PATH: process.env.PATH } });
  return JSON.parse(out.toString());
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** The claims @vonage/jwt's tokenGenerate makes for these options. */
export function tokenGenerateClaims(applicationId: string, privatePem: string, options: Record<string, unknown>, nowMs: number) {
  const token = runVonage(
    `return require('@vonage/jwt').tokenGenerate(input.applicationId, input.privatePem, input.options);`,
    { applicationId, privatePem, options }, nowMs,
  ) as string;
  return claimsOf(token);
}

/** The claims @vonage/video's generateClientToken makes for this session and options. */
export function generateClientTokenClaims(applicationId: string, privatePem: string, sessionId: string, options: Record<string, unknown>, nowMs: number) {
  const token = runVonage(
    `const { Video } = require('@vonage/video');
     return new Video({ applicationId: input.applicationId, privateKey: input.privatePem }).generateClientToken(input.sessionId, input.options);`,
    { applicationId, privatePem, sessionId, options }, nowMs,
  ) as string;
  return claimsOf(token);
}

/** @vonage/jwt's verifySignature, as a Vonage SDK user would call it with the public key. */
export function vonageVerifySignature(token: string, publicPem: string, nowMs = Date.now()): boolean {
  return runVonage(`return require('@vonage/jwt').verifySignature(input.token, input.publicPem);`, { token, publicPem }, nowMs) as boolean;
}
