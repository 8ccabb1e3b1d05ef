import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate's file, for `NODE_EXTRA_CA_CERTS`. */
  caFile: string;
  /** A server key and certificate the CA signed for `hosts`, PEM. */
  key: string;
  cert: string;
  /** The same key and certificate as files, for servers that read them (redis-server). */
  keyFile: string;
  certFile: string;
  remove(): void;
}

/**
 * A certificate authority made with openssl for one test run, and a server certificate it signed
 * for `hosts` (names or IP addresses): a process started with `NODE_EXTRA_CA_CERTS=caFile`, or a
 * client given `caFile` as its CA, trusts that certificate for those hosts, and nothing else
 * changes. Nothing of it is kept: the keys live in a temporary directory that `remove()` deletes.
 *
 * @example const ca = makeTestCa(['serverless.twilio.com']); … ca.remove();
 */
export function makeTestCa(hosts: readonly string[]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1',
    '-subj', '/CN=rtc-token-service test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${hosts[0]}`);
  writeFileSync(file('server.ext'), [
    `subjectAltName=${hosts.map((host) => `${isIP(host) === 0 ? 'DNS' : 'IP'}:${host}`).join(',')}`,
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ].join('\n'));
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', '1', '-extfile', file('server.ext'));

  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    keyFile: file('server.key'),
    certFile: file('server.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
