/** `/about`'s answer. */
export interface About {
  endpoints: string[];
  auth: 'none' | 'passcode' | 'jwt' | 'vonage' | null;
  demo: Array<'twilio' | 'vonage'>;
}

const vendorNames = { twilio: 'Twilio', vonage: 'Vonage' } as const;

/**
 * What the page says when vendors run on `npm start`'s demo credentials, or '' when none does.
 *
 * @example describeDemo(['twilio']) // 'Demo credentials for Twilio: …'
 */
export function describeDemo(demo: About['demo']): string {
  if (demo.length === 0) return '';
  const names = demo.map((vendor) => vendorNames[vendor]);
  return `Demo credentials for ${names.join(' and ')}: tokens show what the service mints, but ${names.join(' and ')} `
    + 'rejects every one of them. Put real credentials in .env (see .env.example) and restart.';
}

/**
 * What the page says about how this deployment hands out tokens, before anyone asks for one.
 *
 * @example describeAuth('passcode') // 'Caller authentication: a passcode (AUTH_MODE=passcode). Enter it under Credential.'
 */
export function describeAuth(auth: About['auth']): string {
  switch (auth) {
    case 'none':
      return 'No caller authentication (AUTH_MODE=none): anyone who reaches this service gets tokens for any identity.';
    case 'passcode':
      return 'Caller authentication: a passcode (AUTH_MODE=passcode). Enter it under Credential.';
    case 'jwt':
      return 'Caller authentication: a bearer token from your identity provider (AUTH_MODE=jwt). Paste it under Credential.';
    case 'vonage':
      return 'Caller authentication: a bearer token signed with the Vonage application\'s key (AUTH_MODE=vonage). Paste it under Credential.';
    case null:
      return 'Caller authentication is misconfigured (AUTH_*): every token request is refused until it is fixed.';
  }
}
