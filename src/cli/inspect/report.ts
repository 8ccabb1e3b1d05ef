import { decodeToken, MalformedToken, maxDepth, recognise, TokenKind, tooDeep } from './decode';
import { Finding } from './finding';
import { TwilioCheckOptions, twilioFindings } from './twilio-findings';
import { documentedAnswer } from './vendor-answers';
import { vonageClientFindings, vonageVideoFindings } from './vonage-findings';

/** What `inspect` learnt about a token: `--json` prints exactly this. */
export interface Report {
  kind: TokenKind | 'unknown';
  /** Null when the token could not be decoded. */
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  findings: Finding[];
}

export interface InspectOptions extends TwilioCheckOptions {
  /** The instant times are judged against. */
  now: Date;
}

/**
 * Decodes a token, recognises its vendor and lists what that vendor would refuse or limit.
 *
 * @example (await inspectToken(token, { now: new Date() })).findings.map((finding) => finding.code) // ['expired']
 */
export async function inspectToken(token: string, options: InspectOptions): Promise<Report> {
  let decoded;
  try {
    decoded = await decodeToken(token);
  } catch (error) {
    if (!(error instanceof MalformedToken)) throw error;
    return {
      kind: 'unknown', header: null, claims: null,
      findings: [{
        severity: 'error', code: 'malformed', message: `This is not a JWT: ${error.message}.`,
        ...documentedAnswer('Twilio answers 20101 "Invalid Access Token"; Vonage refuses it as an invalid token.'),
      }],
    };
  }
  const { header, claims } = decoded;
  const now = Math.floor(options.now.getTime() / 1000);
  const kind = recognise(decoded);
  const nesting: Finding[] = decoded.truncated ? [{
    severity: 'warning', code: 'nesting_too_deep',
    message: `The token nests JSON deeper than ${maxDepth} levels, which no vendor library writes; what lies deeper is shown as "${tooDeep}".`,
    ...documentedAnswer('Neither vendor documents how it reads a token nested this deep.'),
  }] : [];
  switch (kind) {
    case 'twilio':
      return { kind, header, claims, findings: [...nesting, ...twilioFindings(header, claims, now, options)] };
    case 'vonage-client':
      return { kind, header, claims, findings: [...nesting, ...vonageClientFindings(header, claims, now)] };
    case 'vonage-video':
      return { kind, header, claims, findings: [...nesting, ...vonageVideoFindings(header, claims, now)] };
    case undefined:
      return {
        kind: 'unknown', header, claims,
        findings: [...nesting, {
          severity: 'error', code: 'unrecognised',
          message: 'This JWT is neither a Twilio Access Token nor a Vonage Client SDK or Video token: a Twilio token '
            + 'has a cty "twilio-fpa;v=1" header or a grants claim; a Vonage token an application_id, an acl or a session_id.',
          ...documentedAnswer('Neither vendor accepts it as a client token.'),
        }],
      };
  }
}

/** Whether any finding means the vendor refuses the token: the command's exit status follows it. */
export function hasErrors(report: Report): boolean {
  return report.findings.some((finding) => finding.severity === 'error');
}
