import { VendorAnswer } from './finding';

/**
 * Twilio's error dictionary entries that Access Token mistakes produce, with their published
 * titles. Each is documented at https://www.twilio.com/docs/api/errors/<code>.
 */
const twilioErrors = {
  20101: 'Invalid Access Token',
  20102: 'Invalid Access Token header',
  20103: 'Invalid Access Token issuer/subject',
  20104: 'Access Token expired or expiration date invalid',
  20105: 'Access Token not yet valid',
  20106: 'Invalid Access Token grants',
  20107: 'Invalid Access Token signature',
  20157: 'Expiration Time Exceeds Maximum Time Allowed',
  51003: 'Client Connection: identity too long',
  // Its published causes: a Voice or Chat (Conversations) token without the push credential's SID.
  52002: 'Invalid Credential Sid',
  // Its published causes name a ChatGrant or SyncGrant without a service SID, a VoiceGrant without
  // outgoingApplicationSid, a missing identity and, for Video, an API key outside US1.
  51007: 'Client Connection: Token authentication is rejected',
} as const;

export type TwilioErrorCode = keyof typeof twilioErrors;

/**
 * @example twilioAnswer(20104).vendorAnswer
 *   // 'Twilio answers 20104 "Access Token expired or expiration date invalid".'
 */
export function twilioAnswer(code: TwilioErrorCode, context = ''): VendorAnswer {
  return { vendorCode: code, vendorAnswer: `Twilio answers ${code} "${twilioErrors[code]}"${context}.` };
}

/**
 * The Client SDK's session error codes, from Vonage's SDK error reference
 * (https://developer.vonage.com/en/voice/voice-api/sdk-error-reference), and the permission error
 * Vonage's own docs fix for an ACL without `knocking` (Nexmo/nexmo-developer#765: "without
 * /v1/knocking permission in acl PSTN call is not working, it ends with system:error:permission").
 */
const vonageErrors = {
  'system:error:expired-token': 'The provided token has expired',
  'system:error:invalid-token': 'The provided token is invalid',
  'system:error:permission': 'the ACL does not permit the request; HTTP 403',
} as const;

export type VonageErrorCode = keyof typeof vonageErrors;

export function vonageAnswer(code: VonageErrorCode, context = ''): VendorAnswer {
  return { vendorCode: code, vendorAnswer: `The Vonage Client SDK fails with ${code} (${vonageErrors[code]})${context}.` };
}

/** For mistakes whose vendor answer is documented but carries no published code. */
export function documentedAnswer(text: string): VendorAnswer {
  return { vendorAnswer: text };
}
