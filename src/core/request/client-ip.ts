import { isIP, SocketAddress } from 'node:net';

/**
 * The address a request came from, for per-client limits.
 *
 * Without trusted proxies (`trustedHops` 0) it is the socket's peer, and `X-Forwarded-For` is
 * ignored: anyone can write that header. Behind `trustedHops` proxies, each of which appends the
 * address it received the request from, the client is the entry `trustedHops` places from the
 * right; entries further left were written by the client and are never read, so a forged header
 * cannot move a client into another client's bucket. This matches Express's `trust proxy` with
 * a hop count.
 *
 * - A header with fewer entries than hops (the request skipped a proxy): its leftmost entry, the
 *   farthest address a trusted proxy wrote.
 * - No header, or the chosen entry not an IP address: the socket's peer, so a broken proxy puts
 *   its clients in its own bucket rather than in none.
 *
 * Addresses come back normalised: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) as IPv4, IPv6 in
 * canonical form, ports and zone ids removed. `undefined` when there is no address at all (Twilio
 * Functions do not expose one): the caller then skips per-address limits.
 *
 * @example clientIp('10.0.0.2', '203.0.113.9, 198.51.100.7', 1) // '198.51.100.7'
 * @example clientIp('::ffff:198.51.100.7', '203.0.113.9', 0) // '198.51.100.7'
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string | undefined {
  const peer = normaliseAddress(socketAddress);
  if (trustedHops <= 0 || forwardedFor === undefined || forwardedFor.trim() === '') return peer;
  const entries = forwardedFor.split(',');
  return normaliseAddress(entries[Math.max(0, entries.length - trustedHops)]) ?? peer;
}

/**
 * The bucket an address is counted in: an IPv4 address by itself, an IPv6 address by its /64.
 * One IPv6 subscriber or host is routinely given a whole /64 and can pick any address in it, so
 * counting single IPv6 addresses would let one client multiply its budget by 2^64.
 *
 * @example ipBucket('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function ipBucket(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups];
  return `${canonicalIpv6(`${groups.slice(0, 4).join(':')}::`)}/64`;
}

/** A bare, canonical IP address from a socket or header value, or undefined when it holds none. */
function normaliseAddress(value: string | undefined): string | undefined {
  const address = stripPort(value?.trim() ?? '');
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return undefined;
  const canonical = canonicalIpv6(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return mapped ? mapped[1] : canonical;
}

/** `[2001:db8::1]:443` and `192.0.2.1:443` (as some proxies write them) without the port. */
function stripPort(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  const ipv4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(value);
  return ipv4WithPort ? ipv4WithPort[1] : value;
}

/** Lower case, zeros compressed, zone id dropped: one spelling per address. */
function canonicalIpv6(address: string): string {
  return new SocketAddress({ address, family: 'ipv6' }).address;
}
