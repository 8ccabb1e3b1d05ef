import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Certificates made at test time (no key material lives in the repository), as PEM file paths. */
export interface TestCertificates {
  /** The private CA that signed both server certificates (REDIS_CA_FILE). */
  caFile: string;
  /** Another CA, which signed nothing here: trusting it alone, no server verifies. */
  otherCaFile: string;
  /** A server certificate for 127.0.0.1 and localhost. */
  server: { certFile: string; keyFile: string; caFile: string };
  /** A server certificate for `namedHost` only, as a managed service's is for its own name. */
  named: { certFile: string; keyFile: string; caFile: string };
  namedHost: string;
  /** Removes the files. */
  remove(): void;
}

/**
 * A private CA and server certificates made with `openssl` (P-256 keys: milliseconds to make),
 * valid for a day, in a fresh temporary directory.
 *
 * @example
 * const certificates = makeTestCertificates();
 * const redis = await startRedis({ tls: certificates.server });
 */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const makeCa = (name: string) => openssl('req', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.crt`,
    '-days', '1', '-subj', `/CN=rtc-token-service test ${name}`);
  const makeServer = (name: string, altNames: string) => {
    openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(file(`${name}.ext`), `subjectAltName=${altNames}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
    return { certFile: file(`${name}.crt`), keyFile: file(`${name}.key`), caFile: file('ca.crt') };
  };
  makeCa('ca');
  makeCa('other-ca');
  const namedHost = 'tokens-redis.test';
  return {
    caFile: file('ca.crt'),
    otherCaFile: file('other-ca.crt'),
    server: makeServer('server', 'IP:127.0.0.1,DNS:localhost'),
    named: makeServer('named', `DNS:${namedHost}`),
    namedHost,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
