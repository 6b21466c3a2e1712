import ipaddr from 'ipaddr.js';
import { hash } from 'node:crypto';

// One host can hop across its IPv6 /64: the subnet counts as one client.
const IPV6_SUBNET = 64;

/**
 * Whom a request counts against: its credential when it sends one (many clients share an
 * ingress or NAT address), else its address. Only a digest of the header reaches Redis.
 */
export function clientTracker(request: {
  headers: { authorization?: string };
  ip: string;
}): string {
  const credential = request.headers.authorization;
  return credential
    ? `auth:${hash('sha256', credential, 'hex')}`
    : `ip:${clientAddress(request.ip)}`;
}

/** IPv4 (also when mapped into IPv6) as is; IPv6 as its /64 network. */
function clientAddress(ip: string): string {
  if (!ipaddr.isValid(ip)) {
    return ip;
  }
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') {
    return address.toString();
  }
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${IPV6_SUBNET}`);
  return `${network.toString()}/${IPV6_SUBNET}`;
}
