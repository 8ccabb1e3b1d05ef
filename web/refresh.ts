/**
 * When to fetch a new token: a minute before expiry, as SDKs warn (Twilio's `tokenWillExpire`,
 * Vonage's session expiry), but never later than three quarters of the lifetime, so a short TTL
 * still refreshes with time to spare.
 */
export function refreshDelayMs(issuedAtMs: number, expiresAtMs: number): number {
  const lifetime = expiresAtMs - issuedAtMs;
  const lead = Math.min(60_000, lifetime / 4);
  return Math.max(0, expiresAtMs - lead - issuedAtMs);
}

/** "4m 05s" for a countdown. */
export function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
