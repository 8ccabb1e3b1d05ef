/** Fields of one structured log line: identities and outcomes, never tokens, credentials or key material. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * One JSON log line (without its newline), stamped with the time. Each host decides where lines
 * go: Twilio Functions, Vonage Cloud Runtime and container platforms all collect stdout.
 *
 * @example logLine({ event: 'token', outcome: 'issued' }) // '{"time":"2026-…","event":"token","outcome":"issued"}'
 */
export function logLine(fields: LogFields): string {
  return JSON.stringify({ time: new Date().toISOString(), ...fields });
}
