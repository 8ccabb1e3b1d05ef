/**
 * Twilio's limits on a Service's Environment Variables. Over them a deploy fails half-way (after
 * the upload), or the Functions fail on every request.
 * - A key holds at most 128 characters and a value at most 450 bytes (Serverless API, Variable
 *   resource: https://www.twilio.com/docs/serverless/api/resource/variable).
 * - All of a Function's context (account metadata, domain name, path and the variables, as one JSON
 *   string) over 3 KB may fail invocations with error 82006
 *   (https://www.twilio.com/docs/api/errors/82006). What Twilio adds (ACCOUNT_SID, AUTH_TOKEN,
 *   DOMAIN_NAME, PATH, SERVICE_SID, ENVIRONMENT_SID) is about 300 bytes; 512 are kept for it.
 */
const maxKeyCharacters = 128;
const maxValueBytes = 450;
const maxContextBytes = 3 * 1024;
const twilioContextReserve = 512;

/** Variables that hold a PEM key inline: on Twilio the key belongs in a private asset instead. */
const inlineKeyVariables = new Set(['VONAGE_PRIVATE_KEY', 'PRIVATE_KEY', 'VCR_PRIVATE_KEY']);

/**
 * One line per variable over a limit, naming it and its size, never its value.
 *
 * @example variableSizeProblems({ VONAGE_PRIVATE_KEY: pem })
 * // ['VONAGE_PRIVATE_KEY is 1704 bytes; a Twilio Environment Variable holds at most 450. Put the key in …']
 */
export function variableSizeProblems(variables: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (name.length > maxKeyCharacters) {
      problems.push(`${name.slice(0, 40)}… is a ${name.length}-character name; a Twilio Environment Variable's name holds at most ${maxKeyCharacters}.`);
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > maxValueBytes) {
      const advice = inlineKeyVariables.has(name)
        ? ' Put the key in assets/vonage-private.private.key instead: a private asset, deployed and never served.'
        : '';
      problems.push(`${name} is ${bytes} bytes; a Twilio Environment Variable holds at most ${maxValueBytes}.${advice}`);
    }
  }
  const contextBytes = Buffer.byteLength(JSON.stringify(variables), 'utf8');
  if (problems.length === 0 && contextBytes > maxContextBytes - twilioContextReserve) {
    problems.push(`The variables take ${contextBytes} bytes; with what Twilio adds, a Function's context over `
      + `${maxContextBytes} bytes fails its invocations (error 82006). Remove the variables this service does not read.`);
  }
  return problems;
}
