import { isObject } from './decode';
import { Finding } from './finding';
import { identityFindings } from './identity';
import { lifetimeFindings, LifetimeRules } from './lifetime';
import { describe, printable } from './printable';
import { documentedAnswer, twilioAnswer } from './vendor-answers';

/** Access Tokens live at most 24 hours (https://www.twilio.com/docs/iam/access-tokens). */
const lifetimeRules: LifetimeRules = {
  maxLifetime: 86400,
  maxLifetimeText: '24 hours',
  answers: {
    expired: twilioAnswer(20104),
    notYetValid: twilioAnswer(20105),
    tooLong: twilioAnswer(20157),
    invalid: twilioAnswer(20104),
  },
};

/** Twilio Video's documented limit for a participant identity. */
const maxIdentityLength = 128;

const sid = (prefix: string) => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);

/** The region a token without `twr` is checked in: Twilio's default. */
const defaultRegion = 'us1';

export interface TwilioCheckOptions {
  /** The Twilio region the signing API key was created in, when the user says. */
  keyRegion?: string;
}

/**
 * Everything Twilio would refuse or silently limit in an Access Token, checked at `now` (seconds).
 * Header and claims rules follow Twilio's error dictionary: header `alg` HS256 and
 * `cty: twilio-fpa;v=1` (20102), `iss` an API key SID and `sub` an Account SID (20103).
 */
export function twilioFindings(
  header: Record<string, unknown>, claims: Record<string, unknown>, now: number, options: TwilioCheckOptions = {},
): Finding[] {
  return [
    ...headerFindings(header),
    ...issuerFindings(claims),
    ...(claims.exp === undefined
      ? [{ severity: 'error' as const, code: 'exp_missing', message: 'The token has no exp claim.', ...twilioAnswer(20104) }]
      : []),
    ...lifetimeFindings(claims, now, lifetimeRules),
    ...grantFindings(claims.grants),
    ...regionFindings(header, claims.grants, options.keyRegion),
  ];
}

function headerFindings(header: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  // The twilio library can sign HS384 and HS512, but Twilio's header rules name HS256 only.
  if (header.alg !== 'HS256') {
    findings.push({
      severity: 'error', code: 'alg_invalid',
      message: `The header's alg is ${describe(header.alg)}; Twilio accepts only HS256.`, ...twilioAnswer(20102),
    });
  }
  if (header.cty !== 'twilio-fpa;v=1') {
    findings.push({
      severity: 'error', code: header.cty === undefined ? 'cty_missing' : 'cty_invalid',
      message: header.cty === undefined
        ? 'The header has no cty; Twilio requires cty "twilio-fpa;v=1".'
        : `The header's cty is ${describe(header.cty)}; Twilio requires "twilio-fpa;v=1".`,
      ...twilioAnswer(20102),
    });
  }
  return findings;
}

function issuerFindings(claims: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const { iss, sub } = claims;
  if (typeof iss === 'string' && sid('AC').test(iss)) {
    findings.push({
      severity: 'error', code: 'iss_account_sid',
      message: 'iss is an Account SID: the token was signed with the account\'s main credentials (Account SID and '
        + 'Auth Token). Sign with an API key: its SID (SK…) as iss and its secret as the key.',
      ...twilioAnswer(20103),
    });
  } else if (typeof iss !== 'string' || !sid('SK').test(iss)) {
    findings.push({
      severity: 'error', code: 'iss_invalid',
      message: `iss is ${describe(iss)}, not an API key SID (SK followed by 32 hex characters).`, ...twilioAnswer(20103),
    });
  }
  if (typeof sub !== 'string' || !sid('AC').test(sub)) {
    findings.push({
      severity: 'error', code: 'sub_invalid',
      message: `sub is ${describe(sub)}, not an Account SID (AC followed by 32 hex characters).`, ...twilioAnswer(20103),
    });
  }
  return findings;
}

function grantFindings(grants: unknown): Finding[] {
  if (!isObject(grants)) {
    return [{ severity: 'error', code: 'grants_missing', message: 'The token has no grants claim.', ...twilioAnswer(20106) }];
  }
  const findings: Finding[] = [...identityGrantFindings(grants.identity)];
  const products = Object.keys(grants).filter((name) => name !== 'identity');
  if (products.length === 0) {
    findings.push({
      severity: 'error', code: 'grants_empty',
      message: 'The grants claim holds an identity but no product grant (video, chat, voice, data_sync …): the token allows nothing.',
      ...twilioAnswer(20106),
    });
  }
  // `ip_messaging` is the Chat grant's name before Conversations; the twilio library now writes `chat`.
  for (const name of ['chat', 'ip_messaging', 'data_sync']) {
    const grant = grants[name];
    if (grant !== undefined && !(isObject(grant) && typeof grant.service_sid === 'string' && grant.service_sid !== '')) {
      const product = name === 'data_sync' ? 'sync' : 'chat';
      findings.push({
        severity: 'error', code: `${product}_service_missing`,
        message: `The ${name} grant has no service_sid: the ${product === 'sync' ? 'Sync' : 'Conversations'} SDK cannot tell which service to join.`,
        ...twilioAnswer(51007),
      });
    }
  }
  if (grants.voice !== undefined) findings.push(...voiceGrantFindings(grants.voice));
  findings.push(...pushCredentialFindings(grants));
  return findings;
}

/**
 * Mobile apps get incoming calls and messages by push, through the credential the token names;
 * browsers need none. The token does not record the platform it was minted for, so a grant
 * without one is only a note: an error for an iOS or Android app, correct for a web app.
 */
function pushCredentialFindings(grants: Record<string, unknown>): Finding[] {
  const withoutCredential = ['voice', 'chat', 'ip_messaging'].filter((name) => {
    const grant = grants[name];
    return isObject(grant) && !(typeof grant.push_credential_sid === 'string' && grant.push_credential_sid !== '');
  });
  return withoutCredential.map((name) => {
    const product = name === 'voice' ? { code: 'voice', arrivals: 'calls', variable: 'VOICE_PUSH_CREDENTIAL_SID' }
      : { code: 'chat', arrivals: 'messages', variable: 'CHAT_PUSH_CREDENTIAL_SID' };
    return {
      severity: 'info' as const, code: `${product.code}_push_credential_missing`,
      message: `The ${name} grant has no push_credential_sid: right for a web app, but an iOS or Android app using this `
        + `token gets no push notifications of incoming ${product.arrivals}. A token does not record its platform; /token `
        + `adds the platform's credential (${product.variable}_IOS, _ANDROID or the default) for platform=ios or android.`,
      ...twilioAnswer(52002, ' when a mobile app registers for push notifications with this token'),
    };
  });
}

function identityGrantFindings(identity: unknown): Finding[] {
  if (identity === undefined || identity === '') {
    return [{
      severity: 'error', code: 'identity_missing', message: 'The grants claim has no identity.',
      ...twilioAnswer(20101, ' (Video); Conversations and Sync answer 51105 "Token doesn\'t contain identity"'),
    }];
  }
  if (typeof identity !== 'string') {
    return [{
      severity: 'error', code: 'identity_invalid', message: `The identity is ${describe(identity)}, not a string.`,
      ...twilioAnswer(20101),
    }];
  }
  return identityFindings(identity, 'The identity', documentedAnswer('Twilio accepts it as written.'), {
    length: maxIdentityLength, answer: twilioAnswer(51003),
  });
}

function voiceGrantFindings(voice: unknown): Finding[] {
  const outgoing = isObject(voice) && isObject(voice.outgoing) ? voice.outgoing.application_sid : undefined;
  if (typeof outgoing === 'string' && outgoing !== '') return [];
  const incoming = isObject(voice) && isObject(voice.incoming) && voice.incoming.allow === true;
  return [{
    severity: 'warning', code: 'voice_outgoing_missing',
    message: `The voice grant has no outgoing application_sid (a TwiML App SID, AP…): the device cannot place calls`
      + `${incoming ? ', only receive them' : ', and without incoming.allow it cannot receive them either'}.`,
    ...twilioAnswer(51007, ' when the SDK places a call'),
  }];
}

/**
 * API keys belong to one Twilio region and a token is checked in the region its `twr` header
 * names (the twilio library's `region` option sets it), US1 when absent.
 */
function regionFindings(header: Record<string, unknown>, grants: unknown, keyRegion: string | undefined): Finding[] {
  const findings: Finding[] = [];
  const twr = typeof header.twr === 'string' ? printable(header.twr) : undefined;
  const tokenRegion = (twr ?? defaultRegion).toLowerCase();
  if (keyRegion !== undefined && keyRegion.toLowerCase() !== tokenRegion) {
    findings.push({
      severity: 'error', code: 'region_mismatch',
      message: `The token is for region ${tokenRegion}${twr === undefined ? ' (no twr header)' : ''} but the API key was created in `
        + `${keyRegion.toLowerCase()}: Twilio looks the key up in the token's region. Mint with the twilio library's `
        + `region option set to '${keyRegion.toLowerCase()}', which writes the twr header.`,
      ...twilioAnswer(20101),
    });
  } else if (keyRegion === undefined && twr !== undefined) {
    findings.push({
      severity: 'info', code: 'region_hint',
      message: `The token is for region ${twr} (twr header): only an API key created in ${twr} signs it validly. `
        + 'Pass --key-region to check.',
      ...documentedAnswer('Twilio answers 20101 "Invalid Access Token" when the key is from another region.'),
    });
  }
  if (isObject(grants) && grants.video !== undefined && tokenRegion !== defaultRegion) {
    findings.push({
      severity: 'warning', code: 'video_region',
      message: `The token carries a video grant for region ${tokenRegion}: Twilio Video accepts only API keys from US1.`,
      ...twilioAnswer(51007),
    });
  }
  return findings;
}
