import type { Endpoint } from '../core/endpoint';
import type { ProblemBody } from '../core/problem';
import { CommandIo, defineCommand, UsageError } from './command';
import { startService } from '../core/service';
import { loadCliConfig } from './host';

const usage = `Usage: rtc-token mint twilio --identity <name> [options]
       rtc-token mint vonage --identity <name> [options]

Mints a token with this deployment's configuration (the environment, over .env
in this directory) through the same validation and code as the /token and
/vonage-token endpoints, and prints it.

Options:
  --identity <name>    The user the token is for (required).
  --ttl <seconds>      Lifetime (default: the deployment's TOKEN_TTL or VONAGE_TOKEN_TTL).
  --json               Print the endpoint's whole answer as JSON.
  -h, --help           Show this help.
Twilio:
  --grants <list>      A comma-separated subset of video, chat, voice, sync
                       (default: every grant the deployment configures).
  --room <name>        Restrict the video grant to one room.
  --platform <name>    ios, android or web: picks the push credential of the
                       chat and voice grants.
Vonage:
  --kind <kind>        client (the default, a Client SDK token) or video.
  --session-id <id>    The Video session (kind video).
  --role <role>        subscriber, publisher or moderator (kind video).
  --data <text>        Connection data every participant sees (kind video).

Exit status: 0 with a token; 1 when the configuration or the request is refused
(the problem's title and detail on stderr); 2 for bad arguments.`;

const options = {
  identity: { type: 'string' },
  ttl: { type: 'string' },
  grants: { type: 'string' },
  room: { type: 'string' },
  platform: { type: 'string' },
  kind: { type: 'string' },
  'session-id': { type: 'string' },
  role: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Each vendor's endpoint, loaded on demand, and the request parameter each of its flags sets. */
const vendors: Record<string, { endpoint: () => Promise<Endpoint>; params: Record<string, string> }> = {
  twilio: {
    endpoint: async () => (await import('../core/twilio/endpoint')).twilioTokenEndpoint,
    params: { identity: 'identity', ttl: 'ttl', grants: 'grants', room: 'room', platform: 'platform' },
  },
  vonage: {
    endpoint: async () => (await import('../core/vonage/endpoint')).vonageTokenEndpoint,
    params: { identity: 'identity', ttl: 'ttl', kind: 'kind', 'session-id': 'session_id', role: 'role', data: 'data' },
  },
};

export const mintCommand = defineCommand(usage, options, async ({ values, positionals }, io) => {
  const { json, help: _, ...flags } = values;
  const [name, ...extra] = positionals;
  const vendor = name === undefined ? undefined : vendors[name];
  if (!vendor || extra.length > 0) throw new UsageError('Say which vendor to mint for: mint twilio or mint vonage.', usage);
  const params: Record<string, string> = {};
  for (const [flag, value] of Object.entries(flags)) {
    if (!(flag in vendor.params)) throw new UsageError(`--${flag} does not apply to mint ${name}.`, usage);
    params[vendor.params[flag]] = value as string;
  }
  if (!params.identity) throw new UsageError('--identity is required.', usage);
  return mint(await vendor.endpoint(), params, io, Boolean(json));
});

/**
 * Calls the endpoint as a host would. Caller authentication and the abuse limits are off: whoever
 * runs this holds the credentials already, so there is nobody else to authenticate or limit. The
 * core writes no log line itself, so stdout carries the token alone and `$(rtc-token mint …)` works.
 */
async function mint(endpoint: Endpoint, params: Record<string, string>, io: CommandIo, json: boolean): Promise<number> {
  const config = loadCliConfig(io, {
    AUTH_MODE: 'none', STATE_STORE: 'memory', RATE_LIMIT_IP: '0', RATE_LIMIT_IDENTITY: '0', RATE_LIMIT_AUTH_FAILURES: '0',
  });
  const { reply } = await endpoint({ params, headers: {} }, startService(config));
  if (reply.status === 200) {
    const body = reply.body as { token: string };
    io.out(json ? `${JSON.stringify(body, null, 2)}\n` : `${body.token}\n`);
    return 0;
  }
  const problem = reply.body as ProblemBody;
  if (json) io.out(`${JSON.stringify(problem, null, 2)}\n`);
  io.err(`${problem.title}: ${problem.detail}\n`);
  return 1;
}
