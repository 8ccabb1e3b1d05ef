import { createSecretKey } from 'node:crypto';
import AccessToken from 'twilio/lib/jwt/AccessToken';

/**
 * The token route a user writes without this project, for the comparison apps: twilio's
 * AccessToken with the video, chat and voice grants, the secret as a KeyObject (the fast path, so
 * the comparison is of HTTP stacks, not of secrets), and the same body and headers as `/token`.
 */
export function userTokenRoute(env: NodeJS.ProcessEnv) {
  const secret = createSecretKey(Buffer.from(env.API_SECRET!, 'utf8')) as unknown as string;
  const headers = {
    'Access-Control-Allow-Origin': '*', Vary: 'Origin', 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8',
  };
  return (identity: unknown): { status: number; headers: Record<string, string>; body: object } => {
    if (typeof identity !== 'string' || identity.length === 0 || identity.length > 128) {
      return { status: 400, headers, body: { error: 'identity is required' } };
    }
    const token = new AccessToken(env.ACCOUNT_SID!, env.API_KEY!, secret, { identity, ttl: 3600 });
    token.addGrant(new AccessToken.VideoGrant({}));
    token.addGrant(new AccessToken.ChatGrant({ serviceSid: env.SERVICE_SID }));
    token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: env.OUTGOING_SID, incomingAllow: true }));
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + 3600) * 1000).toISOString();
    return { status: 200, headers, body: { token: token.toJwt(), identity, grants: ['video', 'chat', 'voice'], ttl: 3600, expires_at: expiresAt } };
  };
}
