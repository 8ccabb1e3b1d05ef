import { AuthMode, authModes } from './auth/config';
import type { Vendor } from './config/config';
import { corsHeaders } from './cors';
import type { Endpoint } from './endpoint';
import type { EndpointSpec } from './openapi/spec';
import { endpoints } from './endpoints';
import { Problem } from './problem';
import { jsonReply } from './reply';
import { readHeader } from './request/params';

/** What `/about` answers. */
export interface About {
  /** The token endpoints whose vendor this deployment is set up for. */
  endpoints: string[];
  /** `AUTH_MODE`: how callers authenticate (`none`: they do not); null when its configuration is broken. */
  auth: AuthMode | null;
  /** The vendors running on `npm start`'s demo credentials, whose tokens the vendor rejects. */
  demo: Vendor[];
}

/**
 * `/about`: what a page may know about this deployment before it asks for a token. Nothing here
 * is secret (a refusal names the scheme too, with `auth_required`; demo credentials are marked in
 * every token they sign), but reading it here spares the page a refused request, and the logs and
 * limits a refusal.
 *
 * @example (await fetch('/about').then((answer) => answer.json())).auth // 'passcode'
 */
export const aboutEndpoint: Endpoint = async (request, service) => {
  const { config } = service;
  const cors = config.cors instanceof Problem ? { Vary: 'Origin' } : corsHeaders(readHeader(request.headers, 'origin'), config.cors);
  const about: About = {
    endpoints: endpoints.filter((entry) => entry.vendor !== undefined && config.vendors.includes(entry.vendor)).map((entry) => entry.path),
    auth: config.auth instanceof Problem ? null : config.auth.mode,
    demo: [...config.demo],
  };
  return { reply: jsonReply(200, about, cors), log: { outcome: 'answered' } };
};

/** What `/about` takes (nothing) and answers: read by the OpenAPI description. */
export const aboutApi: EndpointSpec = {
  summary: 'What this deployment serves',
  description: 'What a page may know before it asks for a token: the token endpoints set up here, how callers '
    + 'authenticate, and which vendors run on demo credentials. Nothing here is secret.',
  params: [],
  answer: { mediaType: 'application/json', schema: {
    type: 'object',
    required: ['endpoints', 'auth', 'demo'],
    additionalProperties: false,
    properties: {
      endpoints: { type: 'array', items: { type: 'string' } },
      auth: { enum: [...authModes, null], description: '`AUTH_MODE`; null when its configuration is broken.' },
      demo: { type: 'array', items: { type: 'string', enum: ['twilio', 'vonage'] } },
    },
  } },
  refusals: [],
  tokenPipeline: false,
};
