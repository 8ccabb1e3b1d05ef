/** Credentials shaped like Twilio's, generated for the tests; they sign nothing real. */
export const twilioCredentials = {
  ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  API_KEY: 'SKfedcba9876543210fedcba9876543210',
  API_SECRET: 'tEsTsEcReT0123456789abcdefABCDEF',
};

export const chatServiceSid = 'IS11111111111111111111111111111111';
export const outgoingApplicationSid = 'AP22222222222222222222222222222222';
export const syncServiceSid = 'IS33333333333333333333333333333333';
export const pushCredentialSid = 'CR44444444444444444444444444444444';

/** A deployment with every Twilio grant configured. */
export const fullTwilioEnv = {
  ...twilioCredentials,
  SERVICE_SID: chatServiceSid,
  OUTGOING_SID: outgoingApplicationSid,
  SYNC_SERVICE_SID: syncServiceSid,
};
