/**
 * One structured JSON line per event on stdout, which is where Twilio Functions, Vonage Cloud
 * Runtime and container platforms collect logs. Callers pass only what is safe to keep:
 * identities and outcomes, never tokens, credentials or key material.
 */
export function logEvent(fields: Readonly<Record<string, unknown>>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}
