import { clientIp, ipBucket } from '../../../src/core/request/client-ip';

describe('clientIp without trusted proxies', () => {
  test('is the socket address', () => {
    expect(clientIp('198.51.100.7', undefined, 0)).toBe('198.51.100.7');
  });

  test('ignores a spoofed X-Forwarded-For', () => {
    expect(clientIp('198.51.100.7', '203.0.113.9', 0)).toBe('198.51.100.7');
    expect(clientIp('198.51.100.7', '203.0.113.9, 192.0.2.1', 0)).toBe('198.51.100.7');
  });

  test('is undefined when the host knows no address (Twilio Functions)', () => {
    expect(clientIp(undefined, '203.0.113.9', 0)).toBeUndefined();
    expect(clientIp(undefined, undefined, 0)).toBeUndefined();
  });

  test('turns an IPv4-mapped IPv6 socket address into IPv4', () => {
    expect(clientIp('::ffff:198.51.100.7', undefined, 0)).toBe('198.51.100.7');
    expect(clientIp('::FFFF:c633:6407', undefined, 0)).toBe('198.51.100.7');
  });

  test('writes IPv6 in canonical form', () => {
    expect(clientIp('2001:0DB8:0000:0000:0000:0000:0000:0001', undefined, 0)).toBe('2001:db8::1');
    expect(clientIp('fe80::1%eth0', undefined, 0)).toBe('fe80::1');
  });
});

describe('clientIp behind trusted proxies', () => {
  const proxy = '10.0.0.2';

  test('one hop: the entry the proxy appended, whatever the client wrote before it', () => {
    expect(clientIp(proxy, '198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientIp(proxy, '203.0.113.9, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientIp(proxy, '203.0.113.9,203.0.113.10 , 198.51.100.7', 1)).toBe('198.51.100.7');
  });

  test('two hops: the entry the outer proxy appended; the inner proxy\'s entry and the spoofed ones are not the client', () => {
    expect(clientIp(proxy, '198.51.100.7, 10.0.0.1', 2)).toBe('198.51.100.7');
    expect(clientIp(proxy, '203.0.113.9, 198.51.100.7, 10.0.0.1', 2)).toBe('198.51.100.7');
  });

  test('two clients forging each other\'s address stay in their own buckets', () => {
    const alice = clientIp(proxy, '198.51.100.8, 198.51.100.7', 1);
    const mallory = clientIp(proxy, '198.51.100.7, 198.51.100.8', 1);
    expect([alice, mallory]).toEqual(['198.51.100.7', '198.51.100.8']);
  });

  test('fewer entries than hops: the leftmost entry, the farthest a trusted proxy wrote', () => {
    expect(clientIp(proxy, '198.51.100.7', 2)).toBe('198.51.100.7');
    expect(clientIp(proxy, '198.51.100.7, 10.0.0.1', 3)).toBe('198.51.100.7');
  });

  test('no header, or a blank one: the socket address', () => {
    expect(clientIp(proxy, undefined, 1)).toBe(proxy);
    expect(clientIp(proxy, ' ', 1)).toBe(proxy);
  });

  test('an entry that is not an IP address: the socket address, never another client', () => {
    expect(clientIp(proxy, '198.51.100.7, unknown', 1)).toBe(proxy);
    expect(clientIp(proxy, '198.51.100.7,', 1)).toBe(proxy);
  });

  test('drops ports and brackets some proxies write, and unmaps IPv4-mapped entries', () => {
    expect(clientIp(proxy, '198.51.100.7:51234', 1)).toBe('198.51.100.7');
    expect(clientIp(proxy, '[2001:db8::7]:443', 1)).toBe('2001:db8::7');
    expect(clientIp(proxy, '[2001:DB8::7]', 1)).toBe('2001:db8::7');
    expect(clientIp(proxy, '::ffff:198.51.100.7', 1)).toBe('198.51.100.7');
  });
});

describe('ipBucket', () => {
  test('counts an IPv4 address by itself', () => {
    expect(ipBucket('198.51.100.7')).toBe('198.51.100.7');
  });

  test('counts an IPv6 address by its /64', () => {
    expect(ipBucket('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(ipBucket('2001:db8::1')).toBe('2001:db8::/64');
    expect(ipBucket('::1')).toBe('::/64');
    expect(ipBucket('2001:db8:1::2:3:4')).toBe('2001:db8:1::/64');
  });

  test('puts two addresses of one /64 in one bucket and neighbouring /64s in two', () => {
    expect(ipBucket('2001:db8:0:1::a')).toBe(ipBucket('2001:db8:0:1:ffff::b'));
    expect(ipBucket('2001:db8:0:1::a')).not.toBe(ipBucket('2001:db8:0:2::a'));
  });
});
