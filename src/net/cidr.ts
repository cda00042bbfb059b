// IP addresses and CIDR blocks as numbers, so that matching a packet is integer arithmetic.
//
// IPv4 addresses are uint32 numbers (network byte order read as a big-endian integer: 10.0.0.1 is
// 0x0a000001). IPv6 addresses are four uint32 words, most significant first. Parsing is strict: it
// accepts the notations the EC2 API accepts and rejects what could be read two ways (octal-looking
// IPv4 octets such as "010", zone identifiers, more than one "::").

export type IpFamily = 4 | 6;

export interface Ipv4Cidr {
  readonly family: 4;
  /** The network address, host bits cleared. */
  readonly network: number;
  readonly prefixLength: number;
  readonly mask: number;
}

export interface Ipv6Cidr {
  readonly family: 6;
  /** The network address as four uint32 words, host bits cleared. */
  readonly network: Uint32Array;
  readonly prefixLength: number;
  readonly mask: Uint32Array;
}

export type Cidr = Ipv4Cidr | Ipv6Cidr;

export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly words: Uint32Array };

/** Parses dotted-quad IPv4 text to a uint32, or returns -1 when the text is not one. */
export function parseIpv4(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1; // leading zero: "01" could mean octal
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/**
 * Parses IPv6 text (RFC 4291 section 2.2: hex groups, one "::", a trailing dotted IPv4) into four
 * uint32 words. Returns undefined when the text is not an IPv6 address. Writes into `out` when given.
 */
export function parseIpv6(text: string, out: Uint32Array = new Uint32Array(4)): Uint32Array | undefined {
  const groups = new Array<number>(8);
  let count = 0;
  let gapAt = -1;
  let i = 0;
  const n = text.length;
  if (n < 2) return undefined;
  if (text.charCodeAt(0) === 0x3a /* : */) {
    if (text.charCodeAt(1) !== 0x3a) return undefined;
    gapAt = 0;
    i = 2;
    if (i === n) return writeGroups(groups, count, gapAt, out);
  }
  while (i < n) {
    if (count === 8) return undefined;
    // A group is up to four hex digits, or a dotted IPv4 address in the last 32 bits.
    let j = i;
    let group = 0;
    while (j < n && j - i < 5) {
      const digit = hexValue(text.charCodeAt(j));
      if (digit < 0) break;
      group = group * 16 + digit;
      j++;
    }
    if (j < n && text.charCodeAt(j) === 0x2e /* . */) {
      if (count > 6) return undefined;
      const ipv4 = parseIpv4(text.slice(i));
      if (ipv4 < 0) return undefined;
      groups[count++] = ipv4 >>> 16;
      groups[count++] = ipv4 & 0xffff;
      i = n;
      break;
    }
    if (j === i || j - i > 4) return undefined;
    groups[count++] = group;
    i = j;
    if (i === n) break;
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i++;
    if (i < n && text.charCodeAt(i) === 0x3a) {
      if (gapAt >= 0) return undefined;
      gapAt = count;
      i++;
    } else if (i === n) {
      return undefined; // a single trailing colon
    }
  }
  return writeGroups(groups, count, gapAt, out);
}

function writeGroups(groups: number[], count: number, gapAt: number, out: Uint32Array): Uint32Array | undefined {
  if (gapAt < 0 ? count !== 8 : count > 7) return undefined;
  const expanded = new Array<number>(8).fill(0);
  if (gapAt < 0) {
    for (let k = 0; k < 8; k++) expanded[k] = groups[k]!;
  } else {
    for (let k = 0; k < gapAt; k++) expanded[k] = groups[k]!;
    const tail = count - gapAt;
    for (let k = 0; k < tail; k++) expanded[8 - tail + k] = groups[gapAt + k]!;
  }
  for (let w = 0; w < 4; w++) out[w] = ((expanded[2 * w]! << 16) | expanded[2 * w + 1]!) >>> 0;
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Parses an IPv4 or IPv6 address; undefined when it is neither. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const words = parseIpv6(text);
    return words ? { family: 6, words } : undefined;
  }
  const value = parseIpv4(text);
  return value < 0 ? undefined : { family: 4, value };
}

/** The uint32 mask of an IPv4 prefix length (0..32). */
export function ipv4Mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** The four-word mask of an IPv6 prefix length (0..128). */
export function ipv6Mask(prefixLength: number): Uint32Array {
  const mask = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const bits = Math.min(32, Math.max(0, prefixLength - 32 * w));
    mask[w] = ipv4Mask(bits);
  }
  return mask;
}

/**
 * Parses "address/prefix" (the prefix is required). Host bits are cleared, as EC2 stores the
 * network of a filter rule's CIDR. Returns undefined for anything else.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  const address = parseIp(text.slice(0, slash));
  if (!address) return undefined;
  if (address.family === 4) {
    if (prefixLength > 32) return undefined;
    const mask = ipv4Mask(prefixLength);
    return { family: 4, network: (address.value & mask) >>> 0, prefixLength, mask };
  }
  if (prefixLength > 128) return undefined;
  const mask = ipv6Mask(prefixLength);
  const network = new Uint32Array(4);
  for (let w = 0; w < 4; w++) network[w] = (address.words[w]! & mask[w]!) >>> 0;
  return { family: 6, network, prefixLength, mask };
}

export function ipv4CidrContains(cidr: Ipv4Cidr, address: number): boolean {
  return ((address & cidr.mask) >>> 0) === cidr.network;
}

export function ipv6CidrContains(cidr: Ipv6Cidr, address: ArrayLike<number>): boolean {
  for (let w = 0; w < 4; w++) {
    if (((address[w]! & cidr.mask[w]!) >>> 0) !== cidr.network[w]) return false;
  }
  return true;
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  return cidr.family === 4
    ? ipv4CidrContains(cidr, (address as { value: number }).value)
    : ipv6CidrContains(cidr, (address as { words: Uint32Array }).words);
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
export function formatIpv6(words: ArrayLike<number>): string {
  const groups: number[] = [];
  for (let w = 0; w < 4; w++) groups.push(words[w]! >>> 16, words[w]! & 0xffff);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(words[3]! >>> 0)}`; // IPv4-mapped, RFC 5952 section 5
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export function formatIp(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.words);
}

export function formatCidr(cidr: Cidr): string {
  const address = cidr.family === 4 ? formatIpv4(cidr.network) : formatIpv6(cidr.network);
  return `${address}/${cidr.prefixLength}`;
}

/** Parses "aa:bb:cc:dd:ee:ff" (or with "-") into six bytes; undefined when malformed. */
export function parseMac(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(text)) return undefined;
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++) bytes[i] = parseInt(text.slice(i * 3, i * 3 + 2), 16);
  return bytes;
}

export function formatMac(bytes: ArrayLike<number>, offset = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push(bytes[offset + i]!.toString(16).padStart(2, '0'));
  return parts.join(':');
}
