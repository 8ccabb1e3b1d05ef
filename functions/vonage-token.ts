import { vonageTokenEndpoint } from '../src/core/vonage/endpoint';
import { twilioFunction } from '../src/hosts/twilio-functions';

/** GET or POST /vonage-token: a Vonage Client SDK or Video token for the identity in the request. */
export const handler = twilioFunction(vonageTokenEndpoint);
