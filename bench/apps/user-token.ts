import { createSecretKey } from 'node:crypto';
import AccessToken from 'twilio/lib/jwt/AccessToken';

/** The answer's headers beyond CORS, as `/token` sends them. */
export const answerHeaders = { 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8' };

/** The CORS headers `/token` sends with ALLOWED_ORIGINS unset, for the apps that set them by hand. */
export const corsHeaders = { 'Access-Control-Allow-Origin': '*', Vary: 'Origin' };

/**
 * The token route a user writes without this project, for the comparison apps: twilio's
 * AccessToken with the video, chat and voice grants, the secret as a KeyObject (the fast path, so
 * the comparison is of HTTP stacks, not of secrets), and the same body as `/token`.
 */
export function userTokenRoute(env: NodeJS.ProcessEnv) {
  const secret = createSecretKey(Buffer.from(env.API_SECRET!, 'utf8')) as unknown as string;
  return (identity: unknown): { status: number; body: object } => {
    if (typeof identity !== 'string' || identity.length === 0 || identity.length > 128) {
      return { status: 400, body: { error: 'identity is required' } };
    }
    const token = new AccessToken(env.ACCOUNT_SID!, env.API_KEY!, secret, { identity, ttl: 3600 });
    token.addGrant(new AccessToken.VideoGrant({}));
    token.addGrant(new AccessToken.ChatGrant({ serviceSid: env.SERVICE_SID }));
    token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: env.OUTGOING_SID, incomingAllow: true }));
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + 3600) * 1000).toISOString();
    return { status: 200, body: { token: token.toJwt(), identity, grants: ['video', 'chat', 'voice'], ttl: 3600, expires_at: expiresAt } };
  };
}
