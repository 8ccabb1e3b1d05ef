import { isObject } from './decode';
import { callPaths, messagingPaths, missingPaths } from './acl-coverage';
import { Finding, VendorAnswer } from './finding';
import { identityFindings } from './identity';
import { lifetimeFindings, LifetimeRules, readTime } from './lifetime';
import { describe } from './printable';
import { documentedAnswer, vonageAnswer } from './vendor-answers';

/**
 * Vonage honours a JWT for at most 24 hours after its iat, whatever its exp says; a token without
 * exp lives 15 minutes; one with neither iat nor exp is rejected
 * (https://api.support.vonage.com/hc/en-us/articles/360000958407).
 */
const clientRules: LifetimeRules = {
  maxLifetime: 86400,
  maxLifetimeText: '24 hours',
  answers: {
    expired: vonageAnswer('system:error:expired-token'),
    notYetValid: vonageAnswer('system:error:invalid-token'),
    tooLong: vonageAnswer('system:error:invalid-token', ': Vonage honours a JWT for at most 24 hours after its iat'),
    invalid: vonageAnswer('system:error:invalid-token'),
  },
};

/**
 * A Video token's expireTime must be within 30 days of its creation
 * (https://developer.vonage.com/en/tutorials/create-token/dotnet); Vonage publishes no error code
 * for a refused Video token, so the answers say what happens.
 */
const videoRules: LifetimeRules = {
  maxLifetime: 30 * 86400,
  maxLifetimeText: '30 days',
  answers: {
    expired: documentedAnswer('The Video client SDK cannot connect to the session with it.'),
    notYetValid: documentedAnswer('The Video client SDK cannot connect to the session with it yet.'),
    tooLong: documentedAnswer('Vonage documents that a Video token must expire within 30 days of its creation.'),
    invalid: documentedAnswer('The Video client SDK cannot connect to the session with it.'),
  },
};

/** The roles Vonage documents for Video tokens. */
const videoRoles = ['subscriber', 'publisher', 'moderator'];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Everything Vonage would refuse in a Client SDK token, or that would make a call or message fail. */
export function vonageClientFindings(header: Record<string, unknown>, claims: Record<string, unknown>, now: number): Finding[] {
  return [
    ...signingFindings(header, claims, vonageAnswer('system:error:invalid-token')),
    ...clientExpiryFindings(claims),
    ...lifetimeFindings(claims, now, clientRules),
    ...subjectFindings(claims.sub),
    ...aclFindings(claims.acl),
  ];
}

/** Everything that would stop a Video token from connecting to its session. */
export function vonageVideoFindings(header: Record<string, unknown>, claims: Record<string, unknown>, now: number): Finding[] {
  const refused = documentedAnswer('The Video client SDK cannot connect to the session with it.');
  const findings = [...signingFindings(header, claims, refused)];
  if (claims.scope !== 'session.connect') {
    findings.push({
      severity: 'error', code: 'scope_invalid',
      message: `scope is ${describe(claims.scope)}; a Video token's scope is "session.connect".`, ...refused,
    });
  }
  if (typeof claims.session_id !== 'string' || claims.session_id === '') {
    findings.push({ severity: 'error', code: 'session_id_missing', message: 'The token names no session_id.', ...refused });
  }
  if (typeof claims.role !== 'string' || !videoRoles.includes(claims.role)) {
    findings.push({
      severity: 'warning', code: 'role_invalid',
      message: `role is ${describe(claims.role)}, none of the documented ${videoRoles.join(', ')}.`, ...refused,
    });
  }
  if (claims.exp === undefined) {
    findings.push({
      severity: 'warning', code: 'exp_missing',
      message: 'The token has no exp claim; Vonage\'s libraries always set one (24 hours by default).', ...refused,
    });
  }
  return [...findings, ...lifetimeFindings(claims, now, videoRules)];
}

function signingFindings(header: Record<string, unknown>, claims: Record<string, unknown>, refused: VendorAnswer): Finding[] {
  const findings: Finding[] = [];
  // Vonage verifies with the public key registered for the application, so RS256 is the only algorithm.
  if (header.alg !== 'RS256') {
    findings.push({
      severity: 'error', code: 'alg_invalid',
      message: `The header's alg is ${describe(header.alg)}; Vonage accepts only RS256, signed with the application's private key.`,
      ...refused,
    });
  }
  if (claims.application_id === undefined) {
    findings.push({
      severity: 'error', code: 'application_id_missing',
      message: 'The token has no application_id: Vonage cannot tell which application\'s public key verifies it.', ...refused,
    });
  } else if (typeof claims.application_id !== 'string' || !uuid.test(claims.application_id)) {
    findings.push({
      severity: 'error', code: 'application_id_invalid',
      message: `application_id is ${describe(claims.application_id)}, not a Vonage application id (a UUID).`, ...refused,
    });
  }
  return findings;
}

function clientExpiryFindings(claims: Record<string, unknown>): Finding[] {
  if (claims.exp !== undefined) return [];
  if (readTime(claims.iat) === undefined) {
    return [{
      severity: 'error', code: 'exp_missing',
      message: 'The token has neither exp nor iat: Vonage rejects a JWT without both.', ...vonageAnswer('system:error:invalid-token'),
    }];
  }
  return [{
    severity: 'warning', code: 'exp_missing',
    message: 'The token has no exp: Vonage accepts it for 15 minutes after its iat only.',
    ...vonageAnswer('system:error:expired-token', ' once those 15 minutes are over'),
  }];
}

function subjectFindings(sub: unknown): Finding[] {
  if (typeof sub !== 'string' || sub === '') {
    return [{
      severity: 'error', code: 'sub_missing',
      message: `sub is ${describe(sub)}: the Client SDK logs in the user that sub names, so there is no user to log in.`,
      ...vonageAnswer('system:error:invalid-token'),
    }];
  }
  return identityFindings(sub, 'sub', documentedAnswer('Vonage accepts it as written.'));
}

function aclFindings(acl: unknown): Finding[] {
  if (acl === undefined) {
    return [{
      severity: 'warning', code: 'acl_missing',
      message: 'The token has no acl claim, so it may call every Vonage API of the application: a token handed to a '
        + 'browser or app should carry only the Client SDK paths.',
      ...documentedAnswer('Vonage accepts it with the application\'s full rights.'),
    }];
  }
  if (!isObject(acl) || !isObject(acl.paths)) {
    return [{
      severity: 'error', code: 'acl_invalid', message: 'The acl claim is not an object with a paths object.',
      ...vonageAnswer('system:error:permission'),
    }];
  }
  const paths = Object.keys(acl.paths);
  const forMessaging = missingPaths(paths, messagingPaths);
  if (forMessaging.length > 0) {
    return [{
      severity: 'error', code: 'acl_insufficient',
      message: `The ACL lacks ${forMessaging.join(', ')}: the Client SDK can neither message nor call.`,
      ...vonageAnswer('system:error:permission'),
    }];
  }
  const forCalls = missingPaths(paths, callPaths);
  if (forCalls.length > 0) {
    return [{
      severity: 'warning', code: 'acl_calls_incomplete',
      message: `The ACL lacks ${forCalls.join(', ')}: messaging works, but calls fail.`,
      ...vonageAnswer('system:error:permission', ' when the user places a call'),
    }];
  }
  return [];
}
