import { defineCommand, readNow, readTokenArgument } from '../command';
import { formatReport } from './format';
import { printableJson } from './printable';
import { hasErrors, inspectToken } from './report';

const usage = `Usage: rtc-token inspect <token | -> [options]

Decodes a Twilio Access Token, a Vonage Client SDK token or a Vonage Video token
(- reads it from stdin), prints its header and claims, and lists what the vendor
would refuse or limit, with the vendor's own error code. A token endpoint's JSON
answer works too: curl -s …/token?identity=alice | rtc-token inspect -
The signature is not checked: rtc-token verify does that with your credentials.

Options:
  --json                 Print one JSON object: kind, header, claims, findings.
  --key-region <region>  The Twilio region your API key was created in (us1, ie1,
                         au1 ...): the token's region is checked against it.
  --now <time>           Judge times at this ISO 8601 instant instead of now.
  -h, --help             Show this help.

Exit status: 0 when no finding is an error, 1 when one is, 2 for bad arguments.`;

const options = {
  json: { type: 'boolean' },
  'key-region': { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const inspectCommand = defineCommand(usage, options, async ({ values, positionals }, io) => {
  const now = readNow(values.now, usage);
  const token = await readTokenArgument(positionals, io, usage);
  const report = await inspectToken(token, { now, keyRegion: values['key-region'] });
  io.out(values.json ? `${printableJson(report)}\n` : formatReport(report, now));
  return hasErrors(report) ? 1 : 0;
});
