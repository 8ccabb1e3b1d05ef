/**
 * The Client SDK paths each feature needs, per Vonage's JWT and ACL guide
 * (https://developer.vonage.com/conversation/guides/jwt-acl): a session for anything at all,
 * conversations for messages and calls alike, and `knocking` and `legs` to place and control calls
 * (without `knocking` a call to a phone ends in system:error:permission).
 */
export const sessionPaths = ['/*/sessions/**'];
export const messagingPaths = [...sessionPaths, '/*/conversations/**'];
export const callPaths = [...messagingPaths, '/*/knocking/**', '/*/legs/**'];

/**
 * The required paths that no ACL path covers. ACL paths are globs where `*` is one path segment and
 * `**` any rest; a required path is covered when some ACL glob matches a concrete path of its
 * shape (`/*\/legs/**` → `/v1/legs/LEG-1/x`), so `/**` and `/v1/legs/**` both cover it.
 *
 * @example missingPaths(['/*\/sessions/**', '/*\/conversations/**'], callPaths) // ['/*\/knocking/**', '/*\/legs/**']
 */
export function missingPaths(aclPaths: readonly string[], required: readonly string[]): string[] {
  const globs = aclPaths.map(globPattern);
  return required.filter((path) => {
    const example = path.replace(/\*\*/g, 'x/y').replace(/\*/g, 'v1');
    return !globs.some((glob) => glob.test(example));
  });
}

function globPattern(path: string): RegExp {
  const source = path.split(/(\*\*|\*)/).map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : escape(part))).join('');
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
