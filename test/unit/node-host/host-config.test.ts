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

  test('takes DOMAIN_NAME from the public URL Vonage Cloud Runtime injects', () => {
    expect(readHostConfig({ VCR_INSTANCE_PUBLIC_URL: 'https://api-eu.example.vonage.cloud/' }).domainName).toBe('api-eu.example.vonage.cloud');
    expect(readHostConfig({}).domainName).toBeUndefined();
  });

  test('refuses a public URL that is not a URL', () => {
    expect(() => readHostConfig({ VCR_INSTANCE_PUBLIC_URL: 'not a url' })).toThrow('VCR_INSTANCE_PUBLIC_URL is not an absolute URL.');
  });
});
