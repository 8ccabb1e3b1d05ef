/** Fields of one structured log line: identities and outcomes, never tokens, credentials or key material. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * One JSON log line (without its newline), stamped with the time. Each host decides where lines
 * go: Twilio Functions, Vonage Cloud Runtime and container platforms all collect stdout.
 *
 * @example logLine({ event: 'token', outcome: 'issued' }) // '{"time":"2026-…","event":"token","outcome":"issued"}'
 */
export function logLine(fields: LogFields): string {
  const fieldsJson = JSON.stringify(fields);
  return `{"time":"${isoNow()}"${fieldsJson === '{}' ? '' : ','}${fieldsJson.slice(1)}`;
}

let lastMs = NaN;
let lastIso = '';

/**
 * The current time as ISO 8601, formatted once per millisecond: a busy host writes many lines in
 * one, and `toISOString` was a visible share of each request's CPU (--cpu-prof).
 */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
