import type { Endpoint } from '../endpoint';
import { textReply } from '../reply';
import { Platform } from './push';
import { twilioTokenEndpoint } from './endpoint';

/**
 * `/token` as Twilio's Voice quickstarts ask for it: `GET /accessToken?identity=alice` (iOS) and
 * `GET /access-token?identity=alice` (Android) read the answer's whole body as the token. Same
 * parameters, authentication and limits as `/token`; only a success changes form, to text/plain.
 * Refusals stay problem+json, so the one error model holds and the app's error log says why.
 *
 * Each quickstart runs on one platform, so its path names the push credential's platform unless
 * the request names one itself: the apps work unchanged with per-platform credentials.
 *
 * @example export const iosQuickstartEndpoint = quickstartTokenEndpoint('ios');
 */
export function quickstartTokenEndpoint(platform: Platform): Endpoint {
  return async (request, service) => {
    const named = request.params.platform !== undefined && request.params.platform !== '';
    const params = named ? request.params : { ...request.params, platform };
    const outcome = await twilioTokenEndpoint({ ...request, params }, service);
    const { reply } = outcome;
    if (reply.status !== 200) return outcome;
    const { 'Content-Type': _json, ...headers } = reply.headers;
    return { ...outcome, reply: textReply(200, (reply.body as { token: string }).token, headers) };
  };
}
