import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, JWTPayload, SignJWT } from 'jose';

export const issuer = 'https://idp.example.test/';
export const audience = 'rtc-app';

/**
 * A real identity provider for tests: an RSA key generated here, its JWKS served over HTTP on
 * loopback, and tokens signed with it. `state` switches the key set between serving, failing
 * with 500 and refusing connections (stopped), to test outages.
 */
export class IdentityProvider {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid = 'test-key-1';
  status: 'ok' | 'error' = 'ok';
  private server?: Server;
  private port = 0;

  constructor() {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async start(): Promise<void> {
    const jwk = { ...(await exportJWK(this.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
    this.server = createServer((request, response) => {
      if (this.status === 'error' || request.url !== '/.well-known/jwks.json') {
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server = undefined;
  }

  /** The variables that point AUTH_MODE=jwt at this provider. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { AUTH_MODE: 'jwt', AUTH_JWKS_URL: this.jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, ...extra };
  }

  /**
   * A token as the app's login would issue it; claims and lifetime can be overridden, and `exp`
   * left out (`expiresIn: null`) as a careless issuer would.
   */
  sign(claims: JWTPayload = {}, options: {
    key?: KeyObject; alg?: string; expiresIn?: string | number | null; issuedAt?: number; notBefore?: string | number; iss?: string; aud?: string;
  } = {}): Promise<string> {
    let jwt = new SignJWT({ sub: 'alice', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuedAt(options.issuedAt)
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? audience);
    if (options.expiresIn !== null) jwt = jwt.setExpirationTime(options.expiresIn ?? '5m');
    if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
    return jwt.sign(options.key ?? this.privateKey);
  }
}

/** An unsecured JWT (`alg: none`), which no verifier here may accept. */
export function unsecuredJwt(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
