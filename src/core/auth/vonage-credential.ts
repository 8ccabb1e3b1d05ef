import type { JWTPayload } from 'jose';
import { invalidCredentials } from './caller';

export interface VonageCredentialOptions {
  /** `AUTH_AUDIENCE`: the name only credentials meant for this service carry in `aud`. */
  audience: string;
  /** The Vonage application whose key signs both the credentials and what this service mints. */
  applicationId: string;
}

/**
 * Claims that mark a Vonage Video client token, as @vonage/video's generateClientToken and this
 * service's own minting write them. Any one is enough: a credential has no use for them, and a
 * user named "video" is a small price for never taking a Video token as a login.
 */
const videoTokenMarks: ReadonlyArray<[claim: string, marks: (value: unknown) => boolean]> = [
  ['scope', (value) => value === 'session.connect'],
  ['session_id', () => true],
  ['role', () => true],
  ['sub', (value) => value === 'video'],
];

/**
 * In `AUTH_MODE=vonage` the credential and the tokens this service issues are signed by the same
 * application key, so a signature alone cannot tell them apart: a 60-second client token would
 * buy a 24-hour one, and a Video token (sub "video") a Twilio token. A credential must therefore
 * name this service in `aud`, which the service never puts in what it mints, and must not look
 * like a client SDK token (`acl`) or a Video token. Call it after jose's `jwtVerify`.
 *
 * @example checkVonageCredential(payload, { audience: 'rtc-token-service', applicationId });
 */
export function checkVonageCredential(payload: JWTPayload, options: VonageCredentialOptions): void {
  if (Object.hasOwn(payload, 'acl')) {
    throw invalidCredentials('The token carries an acl claim: it is a Vonage Client SDK token, not a credential for this service.');
  }
  const mark = videoTokenMarks.find(([claim, marks]) => Object.hasOwn(payload, claim) && marks(payload[claim]));
  if (mark) {
    throw invalidCredentials(`The token's ${mark[0]} claim marks a Vonage Video token, which is not a credential for this service.`);
  }
  if (Object.hasOwn(payload, 'application_id') && payload.application_id !== options.applicationId) {
    throw invalidCredentials('The token was issued for another Vonage application.');
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(options.audience)) {
    throw invalidCredentials('The token\'s aud claim does not name this service (AUTH_AUDIENCE).');
  }
}
