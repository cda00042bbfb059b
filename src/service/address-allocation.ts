import { randomBytes, randomInt } from 'node:crypto';
import {
  cidrContains,
  formatCidr,
  formatIpv6,
  formatMac,
  parseCidr,
  parseIp,
  type Cidr,
  type Ipv4Cidr,
  type Ipv6Cidr,
} from '../net/cidr.js';

/**
 * The address arithmetic of VPCs, subnets and network interfaces, on top of the data plane's CIDR
 * numbers: block sizes and containment, the addresses AWS reserves in a subnet, and how mirrorlite
 * hands out IPv4 and IPv6 addresses, IPv6 blocks and MAC addresses.
 */

/** VPC and subnet IPv4 blocks: "The allowed block size is between a /16 netmask and /28 netmask". */
export const MIN_IPV4_PREFIX = 16;
export const MAX_IPV4_PREFIX = 28;

/** An Amazon-provided VPC IPv6 block is a /56; a subnet takes a /64 of it. */
export const VPC_IPV6_PREFIX = 56;
export const SUBNET_IPV6_PREFIX = 64;

/**
 * Where mirrorlite's "Amazon-provided" VPC IPv6 blocks come from: the IPv6 documentation prefix
 * (RFC 3849), so that no emulated address can be mistaken for, or leak onto, a routable network.
 */
export const AMAZON_IPV6_POOL = '2001:db8::/32';

/**
 * The first four addresses and the last address of every subnet block are reserved: network
 * address, VPC router (+1), Amazon DNS (+2), future use (+3), and the broadcast address. The same
 * holds for a subnet's IPv6 block.
 */
const RESERVED_AT_START = 4;
const RESERVED_IN_SUBNET = RESERVED_AT_START + 1;

export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const cidr = parseCidr(text);
  return cidr?.family === 4 ? cidr : undefined;
}

export function parseIpv6Cidr(text: string): Ipv6Cidr | undefined {
  const cidr = parseCidr(text);
  return cidr?.family === 6 ? cidr : undefined;
}

/** "We modify the specified CIDR block to its canonical form" (CreateVpc, CreateSubnet): host bits cleared. */
export function canonicalCidr(text: string): string {
  return formatCidr(parseCidr(text)!);
}

export function ipv4Number(text: string): number | undefined {
  const address = parseIp(text);
  return address?.family === 4 ? address.value : undefined;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefixLength < outer.prefixLength) return false;
  return cidrContains(outer, networkAddress(inner));
}

/** Two aligned blocks overlap exactly when the larger one contains the other's network address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const [larger, smaller] = a.prefixLength <= b.prefixLength ? [a, b] : [b, a];
  return cidrContains(larger, networkAddress(smaller));
}

function networkAddress(cidr: Cidr) {
  return cidr.family === 4 ? { family: 4 as const, value: cidr.network } : { family: 6 as const, words: cidr.network };
}

function ipv4Size(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** Addresses of a subnet that an interface can ever have: the block minus the five reserved. */
export function usableIpv4Count(subnet: Ipv4Cidr): number {
  return ipv4Size(subnet) - RESERVED_IN_SUBNET;
}

export function isReservedIpv4(subnet: Ipv4Cidr, address: number): boolean {
  const offset = address - subnet.network;
  return offset < RESERVED_AT_START || offset === ipv4Size(subnet) - 1;
}

/** The `count` lowest free addresses of the subnet, or undefined when it has fewer than that. */
export function lowestFreeIpv4(subnet: Ipv4Cidr, taken: ReadonlySet<number>, count: number): number[] | undefined {
  const found: number[] = [];
  const last = subnet.network + ipv4Size(subnet) - 2;
  for (let address = subnet.network + RESERVED_AT_START; address <= last && found.length < count; address++) {
    if (!taken.has(address)) found.push(address);
  }
  return found.length === count ? found : undefined;
}

/**
 * Whether an IPv6 address is one of the five reserved in its subnet's /64 (the only subnet IPv6 size
 * here): interface identifiers 0 to 3 and all ones.
 */
export function isReservedIpv6(address: ArrayLike<number>): boolean {
  const [high, low] = [address[2]!, address[3]!];
  return (high === 0 && low < RESERVED_AT_START) || (high === 0xffffffff && low === 0xffffffff);
}

/**
 * `count` free addresses of a subnet's IPv6 /64 with random interface identifiers, as AWS's look:
 * a /64 has 2^64 of them, so "lowest free" would only make addresses predictable, not scarcer.
 */
export function randomFreeIpv6(subnet: Ipv6Cidr, taken: ReadonlySet<string>, count: number): string[] {
  const found = new Set<string>();
  while (found.size < count) {
    const words = Uint32Array.from(subnet.network);
    const random = randomBytes(8);
    words[2] = random.readUInt32BE(0);
    words[3] = random.readUInt32BE(4);
    if (isReservedIpv6(words)) continue;
    const text = formatIpv6(words);
    if (!taken.has(text)) found.add(text);
  }
  return [...found];
}

/** A /56 of the pool that `taken` does not refuse: 2^24 of them, chosen at random like AWS's. */
export function randomVpcIpv6Block(taken: (cidr: string) => boolean): string {
  const pool = parseIpv6Cidr(AMAZON_IPV6_POOL)!;
  for (;;) {
    const words = Uint32Array.from(pool.network);
    words[1] = (randomInt(0, 2 ** 24) << 8) >>> 0;
    const block = formatCidr(parseCidr(`${formatIpv6(words)}/${VPC_IPV6_PREFIX}`)!);
    if (!taken(block)) return block;
  }
}

/**
 * A locally administered unicast MAC address (second-lowest bit of the first octet set, lowest
 * clear), as EC2 gives interfaces: 02:…, 06:…, 0a:…, 0e:… and so on.
 */
export function randomMacAddress(taken: (mac: string) => boolean): string {
  for (;;) {
    const bytes = randomBytes(6);
    bytes[0] = (bytes[0]! & 0xfc) | 0x02;
    const mac = formatMac(bytes);
    if (!taken(mac)) return mac;
  }
}

/**
 * The private DNS name EC2 gives an IPv4 address: `ip-10-0-1-5.ec2.internal` in us-east-1,
 * `ip-10-0-1-5.<region>.compute.internal` in every other region.
 */
export function privateDnsName(address: string, region: string): string {
  const host = `ip-${address.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}
