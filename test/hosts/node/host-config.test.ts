import { listenProblem, readHostConfig } from '../../../src/hosts/node/host-config';

describe('readHostConfig', () => {
  test('listens on VCR_PORT first, then PORT, then 3000', () => {
    expect(readHostConfig({ VCR_PORT: '8080', PORT: '9090' }).port).toBe(8080);
    expect(readHostConfig({ PORT: '9090' }).port).toBe(9090);
    expect(readHostConfig({}).port).toBe(3000);
  });

  test.each(['0', '65536', '80a', '-1', '3000.5'])('refuses the port %s, naming the variable', (value) => {
    expect(() => readHostConfig({ PORT: value })).toThrow('PORT is not a TCP port between 1 and 65535.');
  });

  test('binds every interface unless HOST names one', () => {
    expect(readHostConfig({}).hostname).toBe('0.0.0.0');
    expect(readHostConfig({ HOST: '127.0.0.1' }).hostname).toBe('127.0.0.1');
  });

  test.each(['127.0.0.1', '::1', '::', 'localhost', 'app.internal', 'host-1.example.com.', '10.0.0.1'])('accepts HOST=%s', (value) => {
    expect(readHostConfig({ HOST: value }).hostname).toBe(value);
  });

  test.each(['999.1.1.1', '1.2.3', '256.0.0.1', 'a_b', '-host', 'host name', '[::1]', 'http://host', 'x'.repeat(64)])('refuses HOST=%s, naming the variable', (value) => {
    expect(() => readHostConfig({ HOST: value })).toThrow('HOST is not an IP address or a host name.');
  });
});

describe('listenProblem', () => {
  const failed = (code: string) => Object.assign(new Error('listen failed'), { code });

  test.each([
    ['ENOTFOUND', { port: 3000, hostname: 'db' }, 'HOST is not a name that resolves (ENOTFOUND).'],
    ['EADDRNOTAVAIL', { port: 3000, hostname: '192.0.2.1' }, 'HOST is not an address of this machine (EADDRNOTAVAIL).'],
    ['EADDRINUSE', { port: 8080, hostname: '0.0.0.0', portVariable: 'VCR_PORT' }, 'VCR_PORT is not a port that no other process listens on (EADDRINUSE).'],
    ['EACCES', { port: 3000, hostname: '0.0.0.0' }, 'PORT is not a port this process may listen on (EACCES).'],
    ['EMFILE', { port: 3000, hostname: '0.0.0.0' }, 'The server cannot listen on the address and port HOST and PORT name (EMFILE).'],
  ])('%s is config_invalid naming the variable', (code, config, detail) => {
    const problem = listenProblem(failed(code), config);
    expect({ code: problem.code, detail: problem.message }).toEqual({ code: 'config_invalid', detail });
  });
});
