import { readHostConfig } from '../../../src/hosts/node/host-config';

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
});
