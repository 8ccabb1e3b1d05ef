import { execFileSync } from 'node:child_process';
import { createPrivateKey, createSecretKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import AccessToken from 'twilio/lib/jwt/AccessToken';
import { twilioCredentials } from './fixtures';
import { root } from './server';

export interface TwilioTokenSpec {
  issuedAt: number;
  identity?: string;
  ttl?: number;
  nbf?: number;
  region?: string;
  algorithm?: 'HS256' | 'HS384' | 'HS512';
  accountSid?: string;
  keySid?: string;
  grants?: Array<AccessToken.VideoGrant | AccessToken.ChatGrant | AccessToken.VoiceGrant | AccessToken.SyncGrant>;
}

/**
 * A token made by twilio's own AccessToken, issued at `issuedAt` (ms): jsonwebtoken reads the
 * clock for iat, so Date.now is pinned while it signs.
 */
export function twilioToken(spec: TwilioTokenSpec): string {
  const now = jest.spyOn(Date, 'now').mockReturnValue(spec.issuedAt);
  try {
    const token = new AccessToken(
      spec.accountSid ?? twilioCredentials.ACCOUNT_SID, spec.keySid ?? twilioCredentials.API_KEY, twilioCredentials.API_SECRET,
      { identity: spec.identity ?? 'alice', ttl: spec.ttl ?? 900, nbf: spec.nbf, region: spec.region },
    );
    for (const grant of spec.grants ?? [new AccessToken.VideoGrant({ room: 'standup' })]) token.addGrant(grant);
    return token.toJwt(spec.algorithm);
  } finally {
    now.mockRestore();
  }
}

/**
 * A vendor's token with one change the vendor's library will not make (drop `cty` or a claim, use
 * another algorithm), signed again with `key` so the token is otherwise as the library made it.
 */
export async function resign(
  token: string, key: { secret: string } | { privatePem: string },
  change: { header?: (header: Record<string, unknown>) => Record<string, unknown>; claims?: (claims: Record<string, unknown>) => Record<string, unknown> },
): Promise<string> {
  const header = (change.header ?? ((same) => same))({ ...decodeProtectedHeader(token) });
  const claims = (change.claims ?? ((same) => same))(structuredClone(decodeJwt(token)));
  const signingKey = 'secret' in key ? createSecretKey(Buffer.from(key.secret)) : createPrivateKey(key.privatePem);
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(signingKey);
}

export const twilioSecret = { secret: twilioCredentials.API_SECRET };

export type VonageTokenSpec =
  | { kind: 'client'; issuedAt: number; options: Record<string, unknown> }
  | { kind: 'video'; issuedAt: number; sessionId: string; options: Record<string, unknown> };

/**
 * Tokens made by @vonage/jwt's tokenGenerate and @vonage/video's generateClientToken, in one child
 * Node process (they depend on ESM-only packages Jest's CommonJS runtime cannot load), with
 * Date.now pinned to each spec's `issuedAt` (ms).
 */
export function vonageTokens(applicationId: string, privatePem: string, specs: VonageTokenSpec[]): string[] {
  const program = `
    const { tokenGenerate } = require('@vonage/jwt');
    const { Video } = require('@vonage/video');
    const { applicationId, privatePem, specs } = JSON.parse(process.argv[1]);
    const video = new Video({ applicationId, privateKey: privatePem });
    const tokens = specs.map((spec) => {
      Date.now = () => spec.issuedAt;
      return spec.kind === 'client'
        ? tokenGenerate(applicationId, privatePem, spec.options)
        : video.generateClientToken(spec.sessionId, spec.options);
    });
    process.stdout.write(JSON.stringify(tokens));
  `;
  const out = execFileSync(process.execPath, ['-e', program, JSON.stringify({ applicationId, privatePem, specs })], {
    cwd: root, env: { PATH: process.env.PATH },
  });
  return JSON.parse(out.toString()) as string[];
}
