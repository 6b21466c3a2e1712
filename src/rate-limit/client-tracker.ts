import ipaddr from 'ipaddr.js';
import { Principal } from '../auth/principal';

// One host can hop across its IPv6 /64: the subnet counts as one client.
const IPV6_SUBNET = 64;

/**
 * Whom a request counts against: its verified caller, however the credential was spelled (many
 * clients share an ingress or NAT address), else its address. Never the credential itself.
 */
export function clientTracker(principal: Principal | undefined, ip: string): string {
  return principal ? `user:${principal.role}:${principal.subject}` : `ip:${clientAddress(ip)}`;
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
