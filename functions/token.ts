import { twilioTokenEndpoint } from '../src/core/twilio/endpoint';
import { twilioFunction } from '../src/hosts/twilio-functions';

/** GET or POST /token: a Twilio Access Token for the identity in the request. */
export const handler = twilioFunction(twilioTokenEndpoint);
