import type { KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { Config, use } from '../core/config/config';
import { defineCommand, readNow, readTokenArgument } from './command';
import { loadCliConfig } from './host';
import { describe } from './inspect/printable';
import { VendorAnswer } from './inspect/finding';
import { twilioAnswer, vonageAnswer } from './inspect/vendor-answers';

const usage = `Usage: rtc-token verify <token | -> [options]

Checks the token's signature with this deployment's credentials (the environment,
over .env in this directory), and its lifetime: a Twilio Access Token (HS256)
against API_SECRET, a Vonage token (RS256) against the public half of the Vonage
private key. A token endpoint's JSON answer works too. Secrets are never printed.

A valid signature is not the vendor's acceptance: only the vendor knows whether
the key is still active and the SIDs or application in the token exist.
rtc-token inspect checks the claims against the vendor's published rules.

Options:
  --json         Print one JSON object: vendor, valid, reason, vendorCode.
  --now <time>   Judge expiry at this ISO 8601 instant instead of now.
  -h, --help     Show this help.

Exit status: 0 when the signature is valid for these credentials and the token
is within its lifetime, 1 when not or when the credentials are not configured,
2 for bad arguments.`;

const options = {
  json: { type: 'boolean' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The outcome `verify` prints; `--json` prints exactly this. */
export interface Verdict {
  vendor: 'twilio' | 'vonage' | null;
  /** The signature is valid for these credentials and the token within its lifetime: what was checked, not the vendor's acceptance. */
  valid: boolean;
  reason: string;
  /** What the vendor answers for the failed check, where it publishes a code. */
  vendorCode?: number | string;
}

export const verifyCommand = defineCommand(usage, options, async ({ values, positionals }, io) => {
  const now = readNow(values.now, usage);
  const token = await readTokenArgument(positionals, io, usage);
  const verdict = await verifyToken(token, loadCliConfig(io), now);
  io.out(values.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdict.reason}\n`);
  return verdict.valid ? 0 : 1;
});

/** How one vendor verifies its tokens, with its answers to each refusal. */
interface VendorCheck {
  vendor: 'twilio' | 'vonage';
  name: string;
  algorithm: string;
  key: KeyObject;
  /** The credential, named by its public identifier: never the secret. */
  keyName: string;
  /** What the vendor checks beyond the signature and times. */
  checkClaims(claims: JWTPayload): Refusal | undefined;
  /** What only the vendor can check, said with a valid signature. */
  unchecked: string;
  answers: { signature: VendorAnswer; algorithm: VendorAnswer; expired: VendorAnswer; early: VendorAnswer };
}

interface Refusal {
  reason: string;
  answer: VendorAnswer;
}

/**
 * Picks the vendor by the token's algorithm family (Twilio signs with the API key's secret, HMAC;
 * Vonage with the application's RSA key), loads that vendor's credentials (a Problem when they are
 * not configured) and verifies with jose.
 */
async function verifyToken(token: string, config: Config, now: Date): Promise<Verdict> {
  const { decodeProtectedHeader } = await import('jose');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return { vendor: null, valid: false, reason: 'This is not a JWT: rtc-token inspect says more.' };
  }
  if (typeof alg === 'string' && alg.startsWith('HS')) return judge(token, alg, now, twilioCheck(config));
  if (typeof alg === 'string' && alg.startsWith('RS')) return judge(token, alg, now, vonageCheck(config));
  return {
    vendor: null, valid: false,
    reason: `No vendor would accept it: its alg is ${describe(alg)}; Twilio signs HS256 and Vonage RS256.`,
  };
}

function twilioCheck(configuration: Config): VendorCheck {
  const config = use(configuration.twilio);
  const keyName = `API key ${config.apiKey} of account ${config.accountSid}`;
  return {
    vendor: 'twilio', name: 'Twilio', algorithm: 'HS256', key: config.signingKey, keyName,
    unchecked: 'that the API key is still active and that the SIDs in its grants exist',
    // Twilio finds the secret by iss, so a token that names another key or account fails there.
    checkClaims: (claims) => (claims.iss === config.apiKey && claims.sub === config.accountSid ? undefined : {
      reason: `its iss ${describe(claims.iss)} and sub ${describe(claims.sub)} do not name ${keyName}`, answer: twilioAnswer(20103),
    }),
    answers: { signature: twilioAnswer(20107), algorithm: twilioAnswer(20102), expired: twilioAnswer(20104), early: twilioAnswer(20105) },
  };
}

function vonageCheck(configuration: Config): VendorCheck {
  const config = use(configuration.vonage);
  const invalid = vonageAnswer('system:error:invalid-token');
  return {
    vendor: 'vonage', name: 'Vonage', algorithm: 'RS256', key: config.publicKey,
    unchecked: 'that the application still exists with this public key and, for Video, the session',
    keyName: `the private key of application ${config.applicationId}`,
    checkClaims: (claims) => (claims.application_id === config.applicationId ? undefined : {
      reason: `its application_id ${describe(claims.application_id)} is not ${config.applicationId}`, answer: invalid,
    }),
    answers: { signature: invalid, algorithm: invalid, expired: vonageAnswer('system:error:expired-token'), early: invalid },
  };
}

/**
 * jose checks the signature before the claims, so for an expired or early token the signature is
 * known to be good: the verdict says so, and why the vendor refuses the token all the same.
 */
async function judge(token: string, alg: string, now: Date, check: VendorCheck): Promise<Verdict> {
  const refuse = ({ reason, answer }: Refusal): Verdict => ({
    vendor: check.vendor, valid: false,
    reason: `${check.name} would refuse this token: ${reason}. ${answer.vendorAnswer}`, vendorCode: answer.vendorCode,
  });
  if (alg !== check.algorithm) {
    return refuse({ reason: `it is signed ${alg}; ${check.name} accepts only ${check.algorithm}`, answer: check.answers.algorithm });
  }
  const { errors, jwtVerify } = await import('jose');
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, check.key, { algorithms: [check.algorithm], currentDate: now }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      return refuse({ reason: `the signature matches ${check.keyName}, but the token has expired`, answer: check.answers.expired });
    }
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
      return refuse({ reason: `the signature matches ${check.keyName}, but the token is not valid yet`, answer: check.answers.early });
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refuse({ reason: `the signature does not match ${check.keyName}`, answer: check.answers.signature });
    }
    if (error instanceof errors.JOSEError) return refuse({ reason: `jose cannot verify it (${error.code})`, answer: check.answers.signature });
    throw error;
  }
  const refusal = check.checkClaims(claims);
  return refusal ? refuse(refusal) : {
    vendor: check.vendor, valid: true,
    reason: `Signature valid for these credentials (${check.keyName}), and the token is within its lifetime. `
      + `Whether ${check.name} accepts it also depends on what only ${check.name} knows: ${check.unchecked}.`,
  };
}
