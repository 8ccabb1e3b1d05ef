/** A JWT's header and payload, decoded for reading. The page never verifies: the SDKs' servers do. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export function decodeJwt(token: string): DecodedJwt {
  const [header, payload] = token.split('.').slice(0, 2).map(decodePart);
  return { header, payload };
}

function decodePart(part: string): Record<string, unknown> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** What a reader wants to know first: who, what access, who issued it, until when. */
export interface TokenSummary {
  identity: string;
  accessLabel: 'Grants' | 'ACL paths' | 'Video';
  access: string[];
  issuer: string;
  expiresAt: Date;
}

export function summarise({ payload }: DecodedJwt): TokenSummary {
  const grants = payload.grants as Record<string, unknown> | undefined;
  const acl = payload.acl as { paths?: Record<string, unknown> } | undefined;
  const expiresAt = new Date(Number(payload.exp) * 1000);
  if (grants) {
    const names = Object.keys(grants).filter((name) => name !== 'identity');
    return { identity: String(grants.identity), accessLabel: 'Grants', access: names, issuer: String(payload.iss), expiresAt };
  }
  if (payload.scope === 'session.connect') {
    return {
      identity: String(payload.connection_data ?? '(not in video tokens)'), accessLabel: 'Video',
      access: [`session ${String(payload.session_id)}`, `role ${String(payload.role)}`],
      issuer: `application ${String(payload.application_id)}`, expiresAt,
    };
  }
  return {
    identity: String(payload.sub), accessLabel: 'ACL paths', access: Object.keys(acl?.paths ?? {}),
    issuer: `application ${String(payload.application_id)}`, expiresAt,
  };
}
